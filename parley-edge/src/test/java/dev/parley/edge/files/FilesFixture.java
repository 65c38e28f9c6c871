package dev.parley.edge.files;

import dev.parley.chat.Agent;
import dev.parley.chat.BusinessHours;
import dev.parley.chat.ChatIdentity;
import dev.parley.chat.ConversationFiles;
import dev.parley.chat.Directory;
import dev.parley.chat.FileLimits;
import dev.parley.chat.InMemoryChatStore;
import dev.parley.chat.InMemoryFileRecords;
import dev.parley.chat.InMemoryFileStore;
import dev.parley.chat.Site;
import dev.parley.core.AnonymousTokens;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.ManualClock;
import dev.parley.edge.ChatAuthenticator;
import dev.parley.protocol.http.HttpApi;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;

/**
 * The files API over real parts in memory: a site {@code shop} (default limits, its widget on
 * {@link #SHOP_PAGE}) and {@code tiny} (1000 bytes, PNG only, 2 files a conversation), agent maya
 * of shop, agent sam of tiny, visitors' real anonymous tokens and real agent tokens ({@link
 * ChatAuthenticator}), one conversation of visitor ann on each site.
 */
final class FilesFixture implements AutoCloseable {
  static final byte[] SECRET = new byte[32];

  /** The origin of the shop's own pages, where its widget runs. */
  static final String SHOP_PAGE = "https://shop.example";

  final ManualClock nodeClock = new ManualClock();

  /** The links' clock: moved by hand. */
  final AtomicLong nowMillis = new AtomicLong(Instant.parse("2026-12-02T00:00:00Z").toEpochMilli());

  final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(nowMillis.get());
        }

        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }
      };

  final InMemoryChatStore chatStore = new InMemoryChatStore();
  final InMemoryFileStore bytes = new InMemoryFileStore();
  final InMemoryFileRecords records = new InMemoryFileRecords();
  final Directory directory;
  final ChatAuthenticator auth;
  final ConversationFiles files;
  final FileUploads uploads;
  final FilesApi api;
  final AnonymousTokens visitorTokens =
      new AnonymousTokens(SECRET, ChatIdentity.claims(ChatIdentity.Role.VISITOR, null));

  final String ann;
  final String annToken;
  final String bobToken;
  final String shopConversation;
  final String tinyConversation;

  FilesFixture() throws Exception {
    Site shop =
        new Site("shop", "Shop", List.of(SHOP_PAGE), "Hi", "Bot", 0.5, BusinessHours.always());
    Site tiny =
        new Site("tiny", "Tiny", List.of(), "Hi", "Bot", 0.5, BusinessHours.always())
            .withFiles(new FileLimits(1000, List.of("image/png"), 1, 2));
    Map<String, Agent> agents = new HashMap<>();
    agents.put("maya", new Agent("maya", "Maya", Set.of("shop"), 2, "-"));
    agents.put("sam", new Agent("sam", "Sam", Set.of("tiny"), 2, "-"));
    directory = new Directory(Map.of("shop", shop, "tiny", tiny), agents);
    InMemorySharedState shared = new InMemorySharedState(nodeClock::nanoTime);
    auth =
        new ChatAuthenticator(
            SECRET, agents::get, Duration.ofHours(1), clock, null, chatStore, shared);
    files = ConversationFiles.over(bytes, records, chatStore, directory, shared, nodeClock);
    uploads = new FileUploads(files, nodeClock);
    api = new FilesApi(HttpApi.NONE, auth, files, uploads, SECRET, clock);
    var a = visitorTokens.principal(null);
    ann = a.user();
    annToken = a.token();
    bobToken = visitorTokens.principal(null).token();
    shopConversation = chatStore.open("shop", ann, "chat_shop1", 1).get().conversation().id();
    tinyConversation = chatStore.open("tiny", ann, "chat_tiny1", 1).get().conversation().id();
  }

  String agentToken(String user) {
    return auth.agentToken(user);
  }

  Response call(Request r) throws Exception {
    return api.handle(r).get(30, TimeUnit.SECONDS);
  }

  /** {@code POST /api/conversations/<conv>/files?name=…} with this token and key. */
  Response upload(String conv, String token, String key, String name, byte[] body)
      throws Exception {
    Map<String, String> headers = new HashMap<>();
    if (token != null) {
      headers.put("authorization", "Bearer " + token);
    }
    if (key != null) {
      headers.put("idempotency-key", key);
    }
    headers.put("content-type", "image/png"); // what a client claims: never believed
    Map<String, List<String>> query = name == null ? Map.of() : Map.of("name", List.of(name));
    return call(
        new Request(
            "POST", "/api/conversations/" + conv + "/files", query, headers, body, "127.0.0.1"));
  }

  /** {@code GET} of a URL the API gave (path and query), with extra headers. */
  Response get(String url, Map<String, String> headers) throws Exception {
    int q = url.indexOf('?');
    String path = q < 0 ? url : url.substring(0, q);
    Map<String, List<String>> query = new HashMap<>();
    if (q >= 0) {
      for (String kv : url.substring(q + 1).split("&")) {
        int e = kv.indexOf('=');
        query.put(kv.substring(0, e), List.of(kv.substring(e + 1)));
      }
    }
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return call(new Request("GET", path, query, lower, new byte[0], "127.0.0.1"));
  }

  /** A PNG of {@code w} × {@code h} pixels. */
  static byte[] png(int w, int h) {
    return image(w, h, "png");
  }

  static byte[] image(int w, int h, String format) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, w / 2, h / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    uploads.close();
    files.close();
    auth.close();
  }
}
