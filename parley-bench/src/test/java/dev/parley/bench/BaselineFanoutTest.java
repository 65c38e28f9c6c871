package dev.parley.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The strong baseline's broadcast: the frame it encodes once is byte for byte what Netty's own
 * encoder makes, and a batch reaches every subscriber with one flush each, on the subscriber's own
 * event loop, every buffer released.
 */
@Timeout(10)
class BaselineFanoutTest {
  /** Counts flushes passing through the pipeline. Only touched on the channel's (embedded) loop. */
  static final class Flushes extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      count++;
      ctx.flush();
    }
  }

  @Test
  void theFrameEncodedOnceIsWhatNettysEncoderWrites() {
    for (int size : new int[] {5, 125, 126, 200, 65535, 65536, 70000}) {
      ByteBuf payload = Unpooled.copiedBuffer("y".repeat(size), StandardCharsets.US_ASCII);
      EmbeddedChannel netty = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
      netty.writeOutbound(new TextWebSocketFrame(payload.retainedDuplicate()));
      ByteBuf expected = Unpooled.buffer();
      for (ByteBuf b = netty.readOutbound(); b != null; b = netty.readOutbound()) {
        expected.writeBytes(b);
        b.release();
      }
      ByteBuf ours = BaselineFanout.encode(ByteBufAllocator.DEFAULT, payload);
      assertThat(ByteBufUtil.hexDump(ours))
          .as("%d bytes", size)
          .isEqualTo(ByteBufUtil.hexDump(expected));
      ours.release();
      expected.release();
      payload.release();
      netty.finishAndReleaseAll();
    }
  }

  @Test
  void aBatchReachesEverySubscriberOnItsOwnLoopWithOneFlushEach() {
    BaselineFanout fanout = new BaselineFanout();
    List<EmbeddedChannel> subs = new ArrayList<>();
    List<Flushes> flushes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Flushes f = new Flushes();
      EmbeddedChannel ch = new EmbeddedChannel(f);
      fanout.subscribe(ch);
      subs.add(ch);
      flushes.add(f);
    }
    List<ByteBuf> batch = new ArrayList<>();
    for (String text : List.of("one", "two", "three")) {
      batch.add(
          BaselineFanout.encode(
              ByteBufAllocator.DEFAULT, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    }
    List<ByteBuf> originals = List.copyOf(batch);
    fanout.publish(batch);
    for (int i = 0; i < subs.size(); i++) {
      EmbeddedChannel ch = subs.get(i);
      assertThat(ch.<Object>readOutbound())
          .as("nothing written before the loop runs its task")
          .isNull();
      ch.runPendingTasks();
      List<String> got = new ArrayList<>();
      for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
        got.add(b.toString(2, b.readableBytes() - 2, StandardCharsets.UTF_8));
        b.release();
      }
      assertThat(got).containsExactly("one", "two", "three");
      assertThat(flushes.get(i).count).as("one flush for the batch").isEqualTo(1);
    }
    assertThat(originals).allMatch(b -> b.refCnt() == 0, "every reference released");
    for (EmbeddedChannel ch : subs) {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aClosedSubscriberGetsNothingMore() {
    BaselineFanout fanout = new BaselineFanout();
    EmbeddedChannel ch = new EmbeddedChannel();
    fanout.subscribe(ch);
    ch.close();
    ch.runPendingTasks();
    ByteBuf frame =
        BaselineFanout.encode(
            ByteBufAllocator.DEFAULT, Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
    fanout.publish(new ArrayList<>(List.of(frame)));
    ch.runPendingTasks();
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(frame.refCnt()).isZero();
  }
}
