package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.parley.chat.Bot;
import dev.parley.chat.BusinessHours;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.EventWebhook;
import dev.parley.chat.FileLinker;
import dev.parley.chat.IntegrationEvent;
import dev.parley.chat.Site;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.MessageMeta.Attachment;
import dev.parley.protocol.http.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The files a message carries, as webhooks see them (docs/PROTOCOL.md#attachments): the webhook
 * bot's event and the {@code message.created} event webhook describe each attachment with signed
 * links from the {@link FileLinker}; a message without files has no {@code attachments}.
 */
@Timeout(30)
class AttachmentWebhooksTest {
  static final String IMAGE = "f_" + "a".repeat(22);
  static final String PDF = "f_" + "b".repeat(22);
  static final List<Attachment> FILES =
      List.of(
          new Attachment(IMAGE, "shot.png", "image/png", 2048, 640, 480, true),
          new Attachment(PDF, "a.pdf", "application/pdf", 9, null, null, false));

  /** Links that name what they link to, expiring at 99 000 ms. */
  static final FileLinker LINKS =
      (id, part) -> new FileLinker.Link("/api/files/" + id + "/" + part + "?sig=s", 99_000);

  final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
  final Site site = new Site("acme", "Acme", List.of(), "Hi", "Bot", 0.5, BusinessHours.always());
  HttpServer receiver;
  WebhookBot bot;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/bot",
        x -> {
          received.add(x.getRequestBody().readAllBytes());
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    receiver.start();
    bot =
        new WebhookBot(
            new WebhookBot.Config(
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/bot",
                "s".repeat(32),
                1,
                Duration.ofMillis(1),
                Duration.ofSeconds(5)),
            Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC),
            LINKS);
  }

  @AfterEach
  void stop() {
    bot.close();
    receiver.stop(0);
  }

  static final Bot.AnswerSink SINK =
      new Bot.AnswerSink() {
        @Override
        public boolean delta(String text) {
          return true;
        }

        @Override
        public boolean cancelled() {
          return false;
        }

        @Override
        public void cite(MessageMeta meta) {}
      };

  /** JSON as maps and lists. */
  static Map<String, Object> read(byte[] json) {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = Json.read(json, Map.class);
    return m;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> at(Object list, int i) {
    return (Map<String, Object>) ((List<Object>) list).get(i);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  Map<String, Object> ask(List<Attachment> files) throws Exception {
    bot.answer(new Bot.Question(site, "chat_1", "", List.of(), null, files), SINK);
    return read(received.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void theWebhookBotIsSentEachAttachmentWithSignedLinks() throws Exception {
    Map<String, Object> event = ask(FILES);

    assertThat(event.get("text")).isEqualTo("");
    Map<String, Object> image = at(event.get("attachments"), 0);
    assertThat(image)
        .containsEntry("id", IMAGE)
        .containsEntry("name", "shot.png")
        .containsEntry("width", 640)
        .containsEntry("url", "/api/files/" + IMAGE + "/content?sig=s")
        .containsEntry("thumbnailUrl", "/api/files/" + IMAGE + "/thumbnail?sig=s")
        .containsEntry("expiresAt", 99_000);
    Map<String, Object> pdf = at(event.get("attachments"), 1);
    assertThat(pdf)
        .containsEntry("type", "application/pdf")
        .containsEntry("url", "/api/files/" + PDF + "/content?sig=s")
        .doesNotContainKeys("width", "thumbnailUrl");

    assertThat(ask(List.of())).doesNotContainKey("attachments");
  }

  @Test
  void theMessageCreatedEventDescribesTheAttachmentsWithLinksBesideTheMeta() throws Exception {
    EventWebhook hook =
        new EventWebhook(
            "crm", "http://x.example/h", "s", Set.of(IntegrationEvent.Type.MESSAGE_CREATED), true);
    StoredMessage m =
        new StoredMessage(
            "chat_1", 2, "m_2", "v_1", "c2", "text", "", 2_000, null, MessageMeta.attaching(FILES));

    Map<String, Object> body =
        read(
            EventWebhooks.body(
                "d_1",
                hook,
                new IntegrationEvent(
                    IntegrationEvent.Type.MESSAGE_CREATED,
                    ChatConversation.opened("chat_1", "acme", "v_1", 1_000),
                    m,
                    3_000),
                LINKS));

    Map<String, Object> message = map(body.get("message"));
    assertThat((List<?>) map(message.get("meta")).get("attachments")).hasSize(2);
    assertThat(at(message.get("attachments"), 0))
        .containsEntry("url", "/api/files/" + IMAGE + "/content?sig=s");
    assertThat(at(message.get("attachments"), 1)).containsEntry("name", "a.pdf");

    StoredMessage plain =
        new StoredMessage("chat_1", 3, "m_3", "v_1", "c3", "text", "hi", 2_000, null);
    Map<String, Object> without =
        read(
            EventWebhooks.body(
                "d_2",
                hook,
                new IntegrationEvent(
                    IntegrationEvent.Type.MESSAGE_CREATED,
                    ChatConversation.opened("chat_1", "acme", "v_1", 1_000),
                    plain,
                    3_000),
                LINKS));
    assertThat(map(without.get("message"))).doesNotContainKey("attachments");
  }
}
