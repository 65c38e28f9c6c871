package dev.parley.edge.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WebmTracks} reads headers a visitor wrote: every cut and every damaged copy of a voice
 * note's WebM is answered (audio only or not) without an exception, and the note itself is audio.
 */
class WebmTracksTest {
  @Test
  void aMediaRecorderVoiceNoteIsAudioOnlyAndOneWithVideoIsNot() {
    assertThat(WebmTracks.audioOnly(VoiceUploadsTest.webm(2))).isTrue();
    assertThat(WebmTracks.audioOnly(VoiceUploadsTest.webm(2, 1))).isFalse();
    assertThat(WebmTracks.audioOnly(VoiceUploadsTest.webm())).isFalse();
    assertThat(WebmTracks.audioOnly(new byte[0])).isFalse();
  }

  @Test
  void everyCutOfAVoiceNoteIsReadWithoutAnExceptionAndNoneBeforeItsTracksIsAudio() {
    byte[] note = VoiceUploadsTest.webm(2);
    for (int n = 0; n <= note.length; n++) {
      byte[] cut = Arrays.copyOf(note, n);
      boolean audio = WebmTracks.audioOnly(cut);
      if (n < 40) {
        assertThat(audio).as("cut at %d: its tracks are not all there", n).isFalse();
      }
    }
  }

  @Test
  void damagedCopiesAreReadWithoutAnException() {
    byte[] note = VoiceUploadsTest.webm(2);
    Random r = new Random(20261202);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = note.clone();
      for (int k = 1 + r.nextInt(4); k > 0; k--) {
        b[r.nextInt(120)] = (byte) r.nextInt(256);
      }
      WebmTracks.audioOnly(b); // answers, whatever it says
    }
  }
}
