package dev.parley.bots;

import dev.parley.chat.AttachmentReader;
import dev.parley.chat.Bot;
import dev.parley.chat.StoredFile;
import dev.parley.core.StoredMessage;
import dev.parley.protocol.MessageMeta;
import dev.parley.protocol.openai.ChatCompletions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The images an LLM answer shows its model (a site's {@code bot.llm.imageInputs}): those of the
 * question, then of the earlier messages it sends, newest first, at most {@link #MAX_IMAGES}, each
 * as a {@code data:} URL ({@code detail} {@code auto}) of the bytes the server stored.
 *
 * <p>Only what the server stored is sent: the image re-encoded at upload, its metadata (EXIF,
 * place, comments) gone, JPEG or PNG ({@link #TYPES}); never the uploader's own bytes. An image of
 * more than {@link #MAX_BYTES} is sent as its thumbnail (320 pixels on its longest side): a request
 * of four originals could otherwise carry tens of MiB of base64, more than some providers accept
 * and slow to send, while a model scales a large image down anyway. So a request carries at most 4
 * × 1.5 MiB of image bytes (8 MiB of base64). An image whose record is gone (erased), of another
 * conversation, or unreadable is left out: its message keeps the line that names it.
 *
 * <p>Thread-safe. Blocks on the {@link AttachmentReader}: called on the answer's virtual thread.
 */
final class ImageInputs {
  private static final Logger log = LoggerFactory.getLogger(ImageInputs.class);

  /** The most images a request carries. */
  static final int MAX_IMAGES = 4;

  /** The most bytes of an image sent as it is; a larger one is sent as its thumbnail. */
  static final int MAX_BYTES = 1536 * 1024;

  /** What the upload pipeline stores an image as. */
  static final Set<String> TYPES = Set.of("image/jpeg", "image/png");

  /** The {@code detail} of every image part: the model picks. */
  static final String DETAIL = "auto";

  private final AttachmentReader files;

  ImageInputs(AttachmentReader files) {
    this.files = files;
  }

  /** The image parts for {@code q}, by attachment id: at most {@link #MAX_IMAGES}, newest first. */
  Map<String, ChatCompletions.Image> of(Bot.Question q) throws InterruptedException {
    Map<String, ChatCompletions.Image> out = new LinkedHashMap<>();
    for (MessageMeta.Attachment a : newestFirst(q)) {
      if (out.size() == MAX_IMAGES) {
        break;
      }
      if (TYPES.contains(a.type()) && !out.containsKey(a.id())) {
        ChatCompletions.Image i = load(q.conversation(), a);
        if (i != null) {
          out.put(a.id(), i);
        }
      }
    }
    return out;
  }

  /** The question's files, then those of the earlier messages sent, from the newest back. */
  private static List<MessageMeta.Attachment> newestFirst(Bot.Question q) {
    List<MessageMeta.Attachment> all = new ArrayList<>(q.attachments());
    List<StoredMessage> history = q.history();
    for (int i = history.size() - 1; i >= 0; i--) {
      StoredMessage m = history.get(i);
      if (m.kind().equals("text") && m.meta() != null) {
        all.addAll(m.meta().attachments());
      }
    }
    return all;
  }

  private ChatCompletions.Image load(String conversation, MessageMeta.Attachment a)
      throws InterruptedException {
    try {
      Optional<StoredFile> found = files.find(a.id());
      if (found.isEmpty()
          || !found.get().conversation().equals(conversation)
          || !TYPES.contains(found.get().type())) {
        return null;
      }
      StoredFile f = found.get();
      boolean whole = f.size() <= MAX_BYTES;
      if (!whole && f.thumbnailId() == null) {
        return null;
      }
      String type = whole ? f.type() : f.thumbnailType();
      return files
          .read(whole ? f.id() : f.thumbnailId(), MAX_BYTES)
          .map(
              b ->
                  new ChatCompletions.Image(
                      "data:" + type + ";base64," + Base64.getEncoder().encodeToString(b), DETAIL))
          .orElse(null);
    } catch (RuntimeException e) {
      log.warn("image {} left out of the LLM request: {}", a.id(), e.toString());
      return null;
    }
  }
}
