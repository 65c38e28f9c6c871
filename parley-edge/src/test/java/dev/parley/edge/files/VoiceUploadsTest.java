package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.chat.BusinessHours;
import dev.parley.chat.ChatConversation;
import dev.parley.chat.ConversationFiles;
import dev.parley.chat.Directory;
import dev.parley.chat.InMemoryChatStore;
import dev.parley.chat.InMemoryFileRecords;
import dev.parley.chat.InMemoryFileStore;
import dev.parley.chat.Site;
import dev.parley.chat.StoredFile;
import dev.parley.chat.Transcriber;
import dev.parley.chat.VoiceSettings;
import dev.parley.core.InMemorySharedState;
import dev.parley.core.ManualClock;
import dev.parley.testsupport.Wav;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Voice notes through {@link FileUploads}: the audio types detected from the bytes, the length
 * bound ({@code audio_too_long}), and the transcript kept with the file (or the failure's code, the
 * file stored either way), with an in-memory {@link Transcriber}.
 */
class VoiceUploadsTest {
  static final VoiceSettings.Transcription WHISPER =
      new VoiceSettings.Transcription("http://whisper.test", "whisper-1", "sk-test", "fr");

  final ManualClock clock = new ManualClock();
  final InMemoryChatStore chatStore = new InMemoryChatStore();
  final InMemoryFileRecords records = new InMemoryFileRecords();
  final List<String> asked = new CopyOnWriteArrayList<>();
  final AtomicReference<CompletableFuture<String>> answer =
      new AtomicReference<>(CompletableFuture.completedFuture("Où est ma commande ?"));
  final Transcriber transcriber =
      (name, type, audio) -> {
        asked.add(name + " " + type + " " + audio.length);
        return answer.get();
      };
  ConversationFiles files;
  FileUploads uploads;

  ChatConversation open(VoiceSettings voice) throws Exception {
    Site site =
        new Site("shop", "Shop", List.of(), "Hi", "Bot", 0.5, BusinessHours.always())
            .withVoice(voice);
    Directory directory = new Directory(Map.of("shop", site), Map.of());
    files =
        ConversationFiles.over(
            new InMemoryFileStore(),
            records,
            chatStore,
            directory,
            new InMemorySharedState(clock::nanoTime),
            clock);
    uploads = new FileUploads(files, clock, t -> t.equals(WHISPER) ? transcriber : null);
    return chatStore.open("shop", "v_ann", "chat_v1", 1).get().conversation();
  }

  @AfterEach
  void close() {
    if (uploads != null) {
      uploads.close();
      files.close();
    }
  }

  FileUploads.Outcome upload(ChatConversation c, String key, String name, byte[] b)
      throws Exception {
    return uploads.upload(c, "v_ann", key, name, b).get(10, TimeUnit.SECONDS);
  }

  /** A mono 16-bit PCM WAV of {@code seconds} at 8 kHz (a quiet tone). */
  static byte[] wav(double seconds) {
    return Wav.tone(seconds, 1000);
  }

  /** The start of an Ogg Opus stream (what MediaRecorder makes in Firefox), padded to a size. */
  static byte[] oggOpus(int size) {
    byte[] b = new byte[size];
    byte[] head = "OggS".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, b, 0, 4);
    b[5] = 2; // beginning of stream
    b[26] = 1; // one segment
    b[27] = 19; // of 19 bytes
    byte[] opus = "OpusHead".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(opus, 0, b, 28, opus.length);
    b[36] = 1; // version
    b[37] = 1; // one channel
    return b;
  }

  @Test
  void aWavIsStoredAsAudioWithItsDurationAndItsTranscript() throws Exception {
    ChatConversation c = open(new VoiceSettings(120, WHISPER));

    FileUploads.Stored s = (FileUploads.Stored) upload(c, "k1", "note.wav", wav(1.5));

    assertThat(s.file().type()).isEqualTo("audio/wav");
    assertThat(s.file().duration()).isEqualTo(1.5);
    assertThat(s.file().transcript()).isEqualTo("Où est ma commande ?");
    assertThat(s.file().transcriptError()).isNull();
    assertThat(asked).containsExactly("note.wav audio/wav " + wav(1.5).length);
    assertThat(files.find(s.file().id()).get().orElseThrow().transcript())
        .as("kept with the file's record")
        .isEqualTo("Où est ma commande ?");

    FileUploads.Stored again = (FileUploads.Stored) upload(c, "k1", "note.wav", wav(1.5));
    assertThat(again.created()).isFalse();
    assertThat(again.file().transcript()).isEqualTo("Où est ma commande ?");
    assertThat(asked).as("a retry is not transcribed again").hasSize(1);
  }

  @Test
  void anOggOpusNoteIsAudioOggAndBoundedBySizeAtTheGenerousBitrate() throws Exception {
    ChatConversation c = open(new VoiceSettings(2, null));

    FileUploads.Stored s = (FileUploads.Stored) upload(c, "k1", "voice.ogg", oggOpus(4000));
    assertThat(s.file().type()).isEqualTo("audio/ogg");
    assertThat(s.file().duration()).as("not read from compressed audio").isNull();
    assertThat(s.file().transcript()).as("the site transcribes nothing").isNull();

    FileUploads.Refused r =
        (FileUploads.Refused) upload(c, "k2", "voice.ogg", oggOpus(2 * 40_000 + 1));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.code()).isEqualTo("audio_too_long");
    assertThat(asked).isEmpty();
  }

  @Test
  void aWavLongerThanTheSiteAllowsIsRefusedAndNothingIsStored() throws Exception {
    ChatConversation c = open(new VoiceSettings(1, WHISPER));

    FileUploads.Refused r = (FileUploads.Refused) upload(c, "k1", "long.wav", wav(1.2));

    assertThat(r.code()).isEqualTo("audio_too_long");
    assertThat(r.message()).contains("1.2 seconds").contains("at most 1");
    assertThat(files.countOf(c.id()).get()).isZero();
    assertThat(asked).isEmpty();
  }

  @Test
  void anAudioNameOnSomethingElseIsRefusedAsItsRealType() throws Exception {
    ChatConversation c = open(new VoiceSettings(120, WHISPER));

    FileUploads.Refused r =
        (FileUploads.Refused)
            upload(
                c,
                "k1",
                "note.ogg",
                "<html><script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));

    assertThat(r.status()).isEqualTo(415);
    assertThat(r.code()).isEqualTo("unsupported_type");
    assertThat(asked).isEmpty();
  }

  @Test
  void aFailedTranscriptionKeepsTheFileWithTheFailuresCode() throws Exception {
    ChatConversation c = open(new VoiceSettings(120, WHISPER));
    answer.set(CompletableFuture.failedFuture(new Transcriber.Failed("unavailable", "HTTP 503")));

    FileUploads.Stored s = (FileUploads.Stored) upload(c, "k1", "note.wav", wav(0.5));

    assertThat(s.created()).isTrue();
    assertThat(s.file().transcript()).isNull();
    assertThat(s.file().transcriptError()).isEqualTo("unavailable");
    StoredFile kept = files.find(s.file().id()).get().orElseThrow();
    assertThat(kept.transcriptError()).isEqualTo("unavailable");
    assertThat(files.read(kept.id(), 0, 4).get())
        .hasValue("RIFF".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aTranscriberThatThrowsIsAFailureNotALostUpload() throws Exception {
    ChatConversation c = open(new VoiceSettings(120, WHISPER));
    answer.set(null);

    FileUploads.Stored s = (FileUploads.Stored) upload(c, "k1", "note.wav", wav(0.5));

    assertThat(s.file().transcriptError()).isEqualTo("unavailable");
  }

  @Test
  void aWavHeaderIsReadWithoutDecodingAndABrokenOneIsNotTrusted() {
    assertThat(AudioLength.wavSeconds(wav(2.0))).isEqualTo(2.0);
    byte[] cut = wav(2.0);
    ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).putInt(16, Integer.MAX_VALUE);
    assertThat(AudioLength.wavSeconds(cut)).as("a fmt chunk past the end").isNull();
    assertThat(AudioLength.wavSeconds(new byte[] {'R', 'I', 'F', 'F'})).isNull();
  }

  /** An EBML element: its ID bytes, a one- or two-byte size, its body. */
  static byte[] el(int[] id, byte[]... body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b : id) {
      out.write(b);
    }
    int n = 0;
    for (byte[] x : body) {
      n += x.length;
    }
    if (n < 127) {
      out.write(0x80 | n);
    } else {
      out.write(0x40 | (n >> 8));
      out.write(n & 0xff);
    }
    for (byte[] x : body) {
      out.writeBytes(x);
    }
    return out.toByteArray();
  }

  /** A WebM as MediaRecorder writes it (a live Segment of unknown size), with these track types. */
  static byte[] webm(int... trackTypes) {
    byte[] header =
        el(
            new int[] {0x1A, 0x45, 0xDF, 0xA3},
            el(new int[] {0x42, 0x82}, "webm".getBytes(StandardCharsets.US_ASCII)));
    byte[][] entries = new byte[trackTypes.length][];
    for (int i = 0; i < trackTypes.length; i++) {
      entries[i] =
          el(
              new int[] {0xAE},
              el(new int[] {0xD7}, new byte[] {(byte) (i + 1)}),
              el(new int[] {0x83}, new byte[] {(byte) trackTypes[i]}),
              el(
                  new int[] {0x86},
                  (trackTypes[i] == 1 ? "V_VP8" : "A_OPUS").getBytes(StandardCharsets.US_ASCII)));
    }
    byte[] tracks = el(new int[] {0x16, 0x54, 0xAE, 0x6B}, entries);
    byte[] info =
        el(
            new int[] {0x15, 0x49, 0xA9, 0x66},
            el(new int[] {0x2A, 0xD7, 0xB1}, new byte[] {0x0F, 0x42, 0x40}));
    byte[] segmentHead = {0x18, 0x53, (byte) 0x80, 0x67, 0x01, -1, -1, -1, -1, -1, -1, -1};
    byte[] cluster = {
      0x1F, 0x43, (byte) 0xB6, 0x75, 0x01, -1, -1, -1, -1, -1, -1, -1, (byte) 0xE7, (byte) 0x81, 0
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] x : new byte[][] {header, segmentHead, info, tracks, cluster, new byte[2000]}) {
      out.writeBytes(x);
    }
    return out.toByteArray();
  }

  @Test
  void aMediaRecorderWebmIsAudioAndOneWithVideoIsRefused() throws Exception {
    ChatConversation c = open(new VoiceSettings(120, null));

    FileUploads.Stored s = (FileUploads.Stored) upload(c, "k1", "voice.webm", webm(2));
    assertThat(s.file().type()).isEqualTo("audio/webm");

    FileUploads.Refused r = (FileUploads.Refused) upload(c, "k2", "voice.webm", webm(2, 1));
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.code()).isEqualTo("unsupported_type");
    assertThat(r.message()).contains("video/webm");
    assertThat(FileTypes.detect(webm())).as("no tracks: not audio").isEqualTo("video/webm");
  }
}
