package dev.parley.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.parley.chat.ChatIdentity.Role;
import dev.parley.core.Principal;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The visitor panel and the pre-chat form in the chat layer ({@link VisitorContexts}) with the
 * in-memory stores: what a widget's {@code context} and {@code prechat} leave for the agents, the
 * per-field refusals, the earlier conversations, and data protection.
 */
@Timeout(30)
class VisitorContextsTest {
  static final String CHROME_ON_WINDOWS =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/120.0.6099.109 Safari/537.36";

  static final PrechatForm FORM =
      new PrechatForm(
          true,
          List.of(
              new PrechatForm.Field("name", PrechatForm.Kind.NAME, "Your name", true),
              new PrechatForm.Field("email", PrechatForm.Kind.EMAIL, null, true),
              new PrechatForm.Field("phone", PrechatForm.Kind.PHONE, null, false),
              new PrechatForm.Field("order", PrechatForm.Kind.TEXT, "Order number", false)));

  static Site site(String id, PrechatForm form) {
    return new Site(id, id, List.of("*"), ChatHarness.GREETING, "Bot", 0.5, BusinessHours.always())
        .withAppearance(new SiteAppearance(null, null, null, null, null, Map.of(), null, form));
  }

  static final Principal MAYA = new Principal("maya", ChatIdentity.claims(Role.AGENT, null), null);
  static final Principal OTTO = new Principal("otto", ChatIdentity.claims(Role.AGENT, null), null);

  final ChatHarness h =
      new ChatHarness(
          ChatConfig.defaults(),
          List.of(site("demo", FORM), site("plain", null)),
          ChatHarness.agent("maya", 2),
          new Agent("otto", "Otto", Set.of("plain"), 2, "-"));

  @AfterEach
  void close() {
    h.close();
  }

  /**
   * A visitor of {@code site} said hello with {@code token} (null: anonymous); its conversation.
   */
  static String hello(ChatHarness.Client v, String site, String token, String lang)
      throws InterruptedException {
    v.send(
        "{\"type\":\"hello\",\"site\":\""
            + site
            + "\""
            + (token == null ? "" : ",\"token\":\"" + token + "\"")
            + (lang == null ? "" : ",\"lang\":\"" + lang + "\"")
            + "}");
    v.next(Push.Welcome.class);
    return v.nextOf(ChatEvent.Conversation.class).conv();
  }

  static String context(String conv, String url) {
    return "{\"type\":\"context\",\"conv\":\""
        + conv
        + "\",\"url\":\""
        + url
        + "\",\"title\":\"Pricing — Acme\",\"referrer\":\"https://www.google.com/\","
        + "\"timeZone\":\"Europe/Berlin\",\"utcOffsetMinutes\":60,\"userAgent\":\""
        + CHROME_ON_WINDOWS
        + "\"}";
  }

  Optional<VisitorContext> stored(String conv) {
    return h.contexts.of(conv).join();
  }

  @Test
  void aContextReportedBeforeTheFirstMessageIsStoredWithItAndShownToTheSitesAgents()
      throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String conv = hello(v, "plain", "signed-in:plain:ann|name=Ann Lee|plan=pro", "de");
    v.send(context(conv, "https://acme.example/pricing?x=1"));
    v.send("{\"type\":\"ping\",\"ref\":\"p\"}");
    v.nextOf(Push.Pong.class);
    assertThat(stored(conv)).as("no conversation yet: nothing stored").isEmpty();

    v.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    v.nextOf(Push.Ack.class);
    await().until(() -> stored(conv).isPresent());
    VisitorContext c = stored(conv).orElseThrow();
    assertThat(c.url()).isEqualTo("https://acme.example/pricing?x=1");
    assertThat(c.title()).isEqualTo("Pricing — Acme");
    assertThat(c.referrer()).isEqualTo("https://www.google.com/");
    assertThat(c.lang()).isEqualTo("de");
    assertThat(c.timeZone()).isEqualTo("Europe/Berlin");
    assertThat(c.utcOffsetMinutes()).isEqualTo(60);
    assertThat(c.identity())
        .containsExactly(Map.entry("name", "Ann Lee"), Map.entry("plan", "pro"));
    assertThat(c.visitor()).isEqualTo("plain:ann");

    VisitorContexts.View view = h.chat.visitors().view(OTTO, conv).join().orElseThrow();
    assertThat(view.browser()).isEqualTo(new UserAgents.Family("Chrome", "120.0"));
    assertThat(view.os()).isEqualTo(new UserAgents.Family("Windows", "10/11"));
    assertThat(view.context()).isEqualTo(c);
    assertThat(h.chat.visitors().view(MAYA, conv).join())
        .as("an agent of another site sees nothing")
        .isEmpty();
  }

  @Test
  void aLaterPageReplacesThePageFieldsAndTheEarlierConversationsAreListed() throws Exception {
    // An earlier conversation of the visitor, resolved (made in the store: how a resolution comes
    // about is AgentRoutingTest's).
    String first =
        h.chatStore
            .open("plain", "plain:bo", "chat_earlier", h.clock.millis())
            .join()
            .conversation()
            .id();
    assertThat(
            h.chatStore
                .transition(
                    first,
                    ConversationStatus.BOT,
                    ConversationStatus.RESOLVED,
                    null,
                    h.clock.millis())
                .join())
        .isPresent();

    ChatHarness.Client again = h.connect(Map.of());
    String second = hello(again, "plain", "signed-in:plain:bo", null);
    assertThat(second).isNotEqualTo(first);
    again.send("{\"type\":\"send\",\"cid\":\"c1\",\"conv\":\"" + second + "\",\"text\":\"back\"}");
    again.nextOf(Push.Ack.class);
    again.send(context(second, "https://acme.example/a"));
    await().until(() -> stored(second).map(VisitorContext::url).orElse("").endsWith("/a"));
    again.send(context(second, "https://acme.example/b"));
    await().until(() -> stored(second).orElseThrow().url().endsWith("/b"));

    VisitorContexts.View view = h.chat.visitors().view(OTTO, second).join().orElseThrow();
    assertThat(view.earlier()).extracting(ChatConversation::id).containsExactly(first);
    assertThat(view.earlier().get(0).status()).isEqualTo(ConversationStatus.RESOLVED);
  }

  @Test
  void aContextForAnotherVisitorsConversationIsRefused() throws Exception {
    ChatHarness.Client ann = h.connect(Map.of());
    String conv = hello(ann, "plain", "signed-in:plain:ann", null);
    ann.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + conv + "\",\"text\":\"hi\"}");
    ann.nextOf(Push.Ack.class);
    ChatHarness.Client eve = h.connect(Map.of());
    hello(eve, "plain", "signed-in:plain:eve", null);
    eve.send(
        context(conv, "https://evil.example/").replace("{\"type\"", "{\"ref\":\"x\",\"type\""));
    Push.Error refused = eve.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("x");
    assertThat(stored(conv)).isEmpty();
  }

  @Test
  void aContextForAnotherVisitorsNextConversationIsRefusedAndLeavesTheirsAlone() throws Exception {
    ChatHarness.Client ann = h.connect(Map.of());
    String next = hello(ann, "plain", "signed-in:plain:ann", null); // not made yet
    ann.send(context(next, "https://acme.example/ann"));
    ann.send("{\"type\":\"ping\",\"ref\":\"p\"}");
    ann.nextOf(Push.Pong.class);
    ChatHarness.Client eve = h.connect(Map.of());
    hello(eve, "plain", "signed-in:plain:eve", null);
    eve.send(
        context(next, "https://evil.example/").replace("{\"type\"", "{\"ref\":\"x\",\"type\""));
    Push.Error refused = eve.nextOf(Push.Error.class);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.ref()).isEqualTo("x");

    ann.send("{\"type\":\"send\",\"cid\":\"c0\",\"conv\":\"" + next + "\",\"text\":\"hi\"}");
    ann.nextOf(Push.Ack.class);
    await().until(() -> stored(next).isPresent());
    assertThat(stored(next).orElseThrow().url()).isEqualTo("https://acme.example/ann");
  }

  @Test
  void theFormIsOfferedCheckedFieldByFieldAndItsAnswersKept() throws Exception {
    ChatHarness.Client v = h.visitor();
    String conv = v.nextOf(ChatEvent.Conversation.class).conv();
    assertThat(v.nextOf(ChatEvent.Prechat.class)).isEqualTo(new ChatEvent.Prechat(conv, false));

    v.send(prechat(conv, "\"email\":\"ana@example.com\""));
    assertRefused(v, "name", "is required");
    v.send(prechat(conv, "\"name\":\"Ana\",\"email\":\"ana@@example\""));
    assertRefused(v, "email", "email address");
    v.send(prechat(conv, "\"name\":\"Ana\",\"email\":\"ana@example.com\",\"phone\":\"call me\""));
    assertRefused(v, "phone", "phone number");
    v.send(prechat(conv, "\"name\":\"Ana\",\"email\":\"ana@example.com\",\"age\":\"3\""));
    assertRefused(v, "age", "not a field");
    assertThat(h.chatStore.find(conv).join()).as("refused: nothing made").isEmpty();

    v.send(prechat(conv, "\"name\":\" Ana \",\"email\":\"ana@example.com\",\"phone\":\"\""));
    assertThat(v.nextOf(ChatEvent.Prechat.class)).isEqualTo(new ChatEvent.Prechat(conv, true));
    assertThat(h.chatStore.find(conv).join()).as("the form starts the conversation").isPresent();
    assertThat(stored(conv).orElseThrow().prechat())
        .containsExactly(Map.entry("name", "Ana"), Map.entry("email", "ana@example.com"));

    ChatHarness.Client back = h.connect(Map.of());
    back.send("{\"type\":\"hello\",\"site\":\"demo\",\"token\":\"" + v.token() + "\"}");
    assertThat(back.nextOf(ChatEvent.Prechat.class).done()).as("filled in already").isTrue();
  }

  @Test
  void aSiteWithoutAFormTakesNoAnswersAndOffersNone() throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String conv = hello(v, "plain", null, null);
    v.send(prechat(conv, "\"name\":\"Ana\""));
    assertRefused(v, "fields", "no pre-chat form");
  }

  @Test
  void anExportHoldsTheContextAndAnErasureForgetsIt() throws Exception {
    ChatHarness.Client v = h.connect(Map.of());
    String conv = hello(v, "demo", "signed-in:demo:cy|email=cy@example.com", null);
    v.send(context(conv, "https://acme.example/"));
    v.send(prechat(conv, "\"name\":\"Cy\",\"email\":\"cy@example.com\""));
    v.nextOf(ChatEvent.Prechat.class);
    v.nextOf(ChatEvent.Prechat.class);
    await().until(() -> stored(conv).map(VisitorContext::url).isPresent());

    DataProtection.Export e = h.chat.dataProtection().export("demo", "demo:cy").join();
    VisitorContext c = e.conversations().get(0).context();
    assertThat(c.prechat()).containsEntry("name", "Cy");
    assertThat(c.identity()).containsEntry("email", "cy@example.com");
    assertThat(c.url()).isEqualTo("https://acme.example/");

    h.chat.dataProtection().erase("demo", "demo:cy").join();
    assertThat(stored(conv)).isEmpty();
  }

  static String prechat(String conv, String fields) {
    return "{\"type\":\"prechat\",\"ref\":\"f\",\"conv\":\""
        + conv
        + "\",\"fields\":{"
        + fields
        + "}}";
  }

  static void assertRefused(ChatHarness.Client v, String field, String why)
      throws InterruptedException {
    Push.Error e = v.nextOf(Push.Error.class);
    assertThat(e.code()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.ref()).isEqualTo("f");
    assertThat(e.message()).contains(why);
  }
}
