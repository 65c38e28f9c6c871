package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.server.SitesFile;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.RecordingListener;
import dev.parley.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sites and agents from a file, with a knowledge base of the site's own. */
@Timeout(60)
class SitesFileTest {
  @TempDir Path dir;

  @Test
  void aSiteFromTheFileGreetsAnswersFromItsOwnKnowledgeAndItsAgentLogsIn() throws Exception {
    Files.createDirectories(dir.resolve("kb"));
    Files.writeString(
        dir.resolve("kb/shop.md"), "# Opening hours\nThe shop opens at nine and closes at five.\n");
    Path file = dir.resolve("sites.json");
    Files.writeString(
        file,
        """
        {"sites": [{"id": "shop", "name": "The Shop", "greeting": "Welcome to the shop!", "kbDir": "kb"}],
         "agents": [{"user": "kim", "name": "Kim", "sites": ["shop"], "password": "kims-password"}]}
        """);
    try (TestServer server =
        TestServer.start(
            dir.resolve("data"),
            b -> b.sites(SitesFile.load(file)).agents(null).botPacing(Duration.ZERO))) {
      RecordingListener rec = new RecordingListener();
      try (ParleyClient v =
          ParleyClient.builder(server.wsUri()).site("shop").listener(rec).build()) {
        v.connect().get(10, TimeUnit.SECONDS);
        String conv = ChatFlowTest.conversationOf(rec);
        assertThat(ChatFlowTest.greetingShown(rec, conv)).isEqualTo("Welcome to the shop!");
        v.send(conv, "When does the shop open?").get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> rec.messages(conv).size() == 3);
        assertThat(rec.messages(conv).get(0).text()).isEqualTo("Welcome to the shop!");
        assertThat(rec.messages(conv).get(2).text()).contains("opens at nine");
      }
      Codec codec = ChatProtocol.codec();
      try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
        ws.sendText("{\"type\":\"hello\",\"site\":\"demo\"}");
        codec.decodePush(ws.readText());
        Push.Error e = (Push.Error) codec.decodePush(ws.readText());
        assertThat(e.field()).isEqualTo("site");
        ws.sendText("{\"type\":\"ping\"}");
      }
      try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
        ws.sendText("{\"type\":\"hello\",\"user\":\"kim\",\"password\":\"kims-password\"}");
        assertThat(((Push.Welcome) codec.decodePush(ws.readText())).claim("role"))
            .isEqualTo("agent");
      }
      try (RawWebSocket ws = RawWebSocket.connect(server.port())) {
        ws.sendText("{\"type\":\"hello\",\"user\":\"maya\",\"password\":\"parley-demo\"}");
        assertThat(((Push.Error) codec.decodePush(ws.readText())).code())
            .as("no demo agents")
            .isEqualTo("unauthorized");
      }
    }
  }

  @Test
  void aBadSitesFileIsRefusedNamingTheEntryAndField() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"sites\": [{\"id\": \"a b\", \"greeting\": \"hi\"}]}");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("sites[0].id");
    Files.writeString(
        file,
        "{\"sites\": [{\"id\": \"a\", \"greeting\": \"hi\"}], \"agents\": [{\"user\": \"x\", \"sites\": [\"b\"], \"password\": \"p\"}]}");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("agents[0].sites");
    Files.writeString(
        file,
        "{\"sites\": [{\"id\": \"a\", \"greeting\": \"hi\", \"hours\": {\"opens\": \"9am\", \"closes\": \"17:00\"}}]}");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("sites[0].hours");
    Files.writeString(
        file,
        "{\"sites\": [{\"id\": \"a\", \"greeting\": \"hi\", \"appearance\": {\"accent\": \"blue\"}}]}");
    assertThatThrownBy(() -> SitesFile.load(file))
        .hasMessageContaining("sites[0].appearance.accent");
    Files.writeString(
        file,
        "{\"sites\": [{\"id\": \"a\", \"greeting\": \"hi\", \"appearance\": {\"accent\": \"#0A7D4F\", "
            + "\"texts\": {\"de\": {\"greeting\": \"Hallo\"}}}}]}");
    assertThat(SitesFile.load(file).sites().get(0).appearance().accent()).isEqualTo("#0a7d4f");
    assertThat(SitesFile.load(file).sites().get(0).greeting("de")).isEqualTo("Hallo");
    Files.writeString(file, "{not json");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("not valid JSON");
    assertThat(SitesFile.load(Path.of("..", "ops", "examples", "sites.json")).sites().get(0).id())
        .isEqualTo("acme");
  }

  @Test
  void namespacesOfTheFileAreCheckedStrictlyNamingTheEntryAndField() throws Exception {
    Path file = dir.resolve("ns.json");
    String site = "{\"sites\": [{\"id\": \"a\", \"greeting\": \"hi\"}], \"namespaces\": ";
    Files.writeString(
        file,
        site
            + "[{\"name\": \"news\", \"subscribe\": \"anonymous\", \"publish\": \"agents\"},"
            + " {\"name\": \"ticks\", \"presence\": false}]}");
    SitesFile loaded = SitesFile.load(file);
    assertThat(loaded.namespaces()).hasSize(2);
    assertThat(loaded.namespaces().get(0).publish()).isEqualTo("agents");
    assertThat(loaded.namespaces().get(1).subscribe()).as("default").isEqualTo("authenticated");

    Files.writeString(file, site + "[{\"name\": \"news\", \"publsh\": \"agents\"}]}");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("namespaces[0].publsh");
    Files.writeString(file, site + "[{\"name\": \"agents\"}]}");
    assertThatThrownBy(() -> SitesFile.load(file))
        .hasMessageContaining("namespaces[0].name")
        .hasMessageContaining("reserved");
    Files.writeString(file, site + "[{\"name\": \"x\"}, {\"name\": \"x\"}]}");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("appears twice");
    Files.writeString(file, site + "[{\"name\": \"x\", \"publish\": \"all\"}]}");
    assertThatThrownBy(() -> SitesFile.load(file)).hasMessageContaining("namespaces[0].publish");
  }
}
