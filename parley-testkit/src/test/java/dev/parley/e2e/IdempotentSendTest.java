package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.protocol.Codec;
import dev.parley.protocol.Push;
import dev.parley.protocol.chat.ChatProtocol;
import dev.parley.testkit.RawWebSocket;
import dev.parley.testkit.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class IdempotentSendTest {
  @TempDir Path dir;

  @Test
  void sameCidSentThreeTimesIsStoredOnceAndAckedThreeTimesWithTheSameSeq() throws Exception {
    Codec codec = ChatProtocol.codec();
    try (TestServer server = TestServer.start(dir, b -> b.openChannels(true));
        RawWebSocket ws = RawWebSocket.connect(server.port())) {
      ws.sendText("{\"type\":\"hello\"}");
      codec.decodePush(ws.readText());
      ws.sendText("{\"type\":\"join\",\"conv\":\"idem\"}");
      codec.decodePush(ws.readText());
      for (int i = 0; i < 3; i++) {
        ws.sendText(
            "{\"type\":\"send\",\"cid\":\"same-cid\",\"conv\":\"idem\",\"text\":\"only once\"}");
      }
      List<Push.Ack> acks = new ArrayList<>();
      List<Push.Message> messages = new ArrayList<>();
      while (acks.size() < 3) {
        Push p = codec.decodePush(ws.readText());
        if (p instanceof Push.Ack a) {
          acks.add(a);
        } else if (p instanceof Push.Message m) {
          messages.add(m);
        }
      }
      assertThat(acks).extracting(Push.Ack::seq).containsExactly(1L, 1L, 1L);
      assertThat(acks).extracting(Push.Ack::cid).containsOnly("same-cid");
      assertThat(acks).extracting(Push.Ack::id).containsOnly(acks.get(0).id());
      // The subscriber sees the message once, however often the sender repeats it.
      ws.sendText("{\"type\":\"ping\",\"ref\":\"fence\"}");
      for (Push p = codec.decodePush(ws.readText());
          !(p instanceof Push.Pong);
          p = codec.decodePush(ws.readText())) {
        if (p instanceof Push.Message m) {
          messages.add(m);
        }
      }
      assertThat(messages).hasSize(1);
      assertThat(server.server().store().readAfter("idem", 0, 10)).hasSize(1);
    }
  }
}
