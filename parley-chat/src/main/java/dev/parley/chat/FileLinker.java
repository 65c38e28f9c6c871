package dev.parley.chat;

import dev.parley.protocol.MessageMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes short-lived signed download links of uploaded files for those who fetch a file without a
 * session in its conversation: the webhook bot's receiver and event webhooks' receivers
 * (docs/PROTOCOL.md#attachments). The edge's {@code FileLinks} is the implementation; {@link #NONE}
 * makes none (a deployment without the files API, tests).
 *
 * <p>Implementations are thread-safe, pure computation (an HMAC), and never block.
 */
public interface FileLinker {
  /** Makes no links: attachments are described without {@code url}. */
  FileLinker NONE = (id, part) -> null;

  /**
   * A link: a path on this server ({@code /api/files/<id>/<part>?exp=…&sig=…}), valid without a
   * token until {@code expiresAtMillis}.
   */
  record Link(String url, long expiresAtMillis) {}

  /** A fresh link to {@code part} ({@code content} or {@code thumbnail}) of file {@code id}. */
  Link link(String id, String part);

  /**
   * The attachments of {@code meta} (null for none) as webhooks carry them: each attachment's
   * fields, plus {@code url}, {@code thumbnailUrl} (with a thumbnail) and {@code expiresAt} when
   * this linker makes links. Empty when there are none.
   */
  default List<Map<String, Object>> describe(MessageMeta meta) {
    if (meta == null) {
      return List.of();
    }
    List<Map<String, Object>> out = new ArrayList<>(meta.attachments().size());
    for (MessageMeta.Attachment a : meta.attachments()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("name", a.name());
      m.put("type", a.type());
      m.put("size", a.size());
      if (a.width() != null) {
        m.put("width", a.width());
        m.put("height", a.height());
      }
      m.put("thumbnail", a.thumbnail());
      Link content = link(a.id(), "content");
      if (content != null) {
        m.put("url", content.url());
        if (a.thumbnail()) {
          m.put("thumbnailUrl", link(a.id(), "thumbnail").url());
        }
        m.put("expiresAt", content.expiresAtMillis());
      }
      out.add(m);
    }
    return out;
  }
}
