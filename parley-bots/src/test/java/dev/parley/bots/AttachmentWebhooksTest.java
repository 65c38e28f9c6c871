package dev.parley.bots;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
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

  final ObjectMapper json = new ObjectMapper();
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

  JsonNode ask(List<Attachment> files) throws Exception {
    bot.answer(new Bot.Question(site, "chat_1", "", List.of(), null, files), SINK);
    return json.readTree(received.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void theWebhookBotIsSentEachAttachmentWithSignedLinks() throws Exception {
    JsonNode event = ask(FILES);

    assertThat(event.get("text").asText()).isEmpty();
    JsonNode image = event.get("attachments").get(0);
    assertThat(image.get("id").asText()).isEqualTo(IMAGE);
    assertThat(image.get("name").asText()).isEqualTo("shot.png");
    assertThat(image.get("width").asInt()).isEqualTo(640);
    assertThat(image.get("url").asText()).isEqualTo("/api/files/" + IMAGE + "/content?sig=s");
    assertThat(image.get("thumbnailUrl").asText())
        .isEqualTo("/api/files/" + IMAGE + "/thumbnail?sig=s");
    assertThat(image.get("expiresAt").asLong()).isEqualTo(99_000);
    JsonNode pdf = event.get("attachments").get(1);
    assertThat(pdf.get("type").asText()).isEqualTo("application/pdf");
    assertThat(pdf.has("width")).isFalse();
    assertThat(pdf.has("thumbnailUrl")).isFalse();
    assertThat(pdf.get("url").asText()).isEqualTo("/api/files/" + PDF + "/content?sig=s");

    assertThat(ask(List.of()).has("attachments")).isFalse();
  }

  @Test
  void theMessageCreatedEventDescribesTheAttachmentsWithLinksBesideTheMeta() throws Exception {
    EventWebhook hook =
        new EventWebhook(
            "crm", "http://x.example/h", "s", Set.of(IntegrationEvent.Type.MESSAGE_CREATED), true);
    StoredMessage m =
        new StoredMessage(
            "chat_1", 2, "m_2", "v_1", "c2", "text", "", 2_000, null, MessageMeta.attaching(FILES));

    JsonNode body =
        json.readTree(
            EventWebhooks.body(
                "d_1",
                hook,
                new IntegrationEvent(
                    IntegrationEvent.Type.MESSAGE_CREATED,
                    ChatConversation.opened("chat_1", "acme", "v_1", 1_000),
                    m,
                    3_000),
                LINKS));

    JsonNode message = body.get("message");
    assertThat(message.get("meta").get("attachments")).hasSize(2);
    assertThat(message.get("attachments").get(0).get("url").asText())
        .isEqualTo("/api/files/" + IMAGE + "/content?sig=s");
    assertThat(message.get("attachments").get(1).get("name").asText()).isEqualTo("a.pdf");

    StoredMessage plain =
        new StoredMessage("chat_1", 3, "m_3", "v_1", "c3", "text", "hi", 2_000, null);
    JsonNode without =
        json.readTree(
            EventWebhooks.body(
                "d_2",
                hook,
                new IntegrationEvent(
                    IntegrationEvent.Type.MESSAGE_CREATED,
                    ChatConversation.opened("chat_1", "acme", "v_1", 1_000),
                    plain,
                    3_000),
                LINKS));
    assertThat(without.get("message").has("attachments")).isFalse();
  }
}
