package dev.parley.edge.files;

import dev.parley.chat.FileLinker;
import dev.parley.core.HmacSigner;
import java.time.Clock;
import java.time.Duration;

/**
 * Short-lived signed download URLs ({@code docs/SECURITY.md#uploaded-files}): {@code
 * /api/files/<id>/<part>?exp=<unix seconds>&sig=<HMAC>}, where the HMAC-SHA256 (a key derived from
 * the server's secret for this purpose alone) covers the file id, the part ({@code content} or
 * {@code thumbnail}) and the expiry. Only a participant of the file's conversation is given one
 * (after the token and participation checks); whoever holds it may download that one part of that
 * one file until it expires, at most {@link #LIFETIME} later — so an {@code <img>} or {@code
 * <audio>} element, a download link and a webhook can fetch a file without a token in the URL's
 * place.
 *
 * <p>The files API makes links for participants; the composition root gives another instance (same
 * secret, so the same key) to the webhook bot and event webhooks as their {@link FileLinker}.
 *
 * <p>Immutable and thread-safe.
 */
public final class FileLinks implements FileLinker {
  /** How long a link is valid. */
  static final Duration LIFETIME = Duration.ofMinutes(15);

  /** What a link's check found. */
  enum Verdict {
    VALID,
    EXPIRED,
    INVALID
  }

  private final HmacSigner signer;
  private final Clock clock;

  /**
   * @param secret the server's secret, from which the links' key is derived
   * @param clock stamps and judges the links' expiry
   */
  public FileLinks(byte[] secret, Clock clock) {
    this.signer = HmacSigner.forPurpose(secret, "file-link");
    this.clock = clock;
  }

  /** A fresh link to {@code part} of file {@code id}. */
  @Override
  public Link link(String id, String part) {
    long exp = clock.millis() / 1000 + LIFETIME.toSeconds();
    return new Link(
        "/api/files/"
            + id
            + "/"
            + part
            + "?exp="
            + exp
            + "&sig="
            + signer.sign(payload(id, part, exp)),
        exp * 1000);
  }

  /** Whether {@code exp} and {@code sig} make a valid link to {@code part} of {@code id} now. */
  Verdict check(String id, String part, String exp, String sig) {
    if (exp == null || sig == null || !exp.matches("[0-9]{1,12}")) {
      return Verdict.INVALID;
    }
    long e = Long.parseLong(exp);
    if (!signer.verify(payload(id, part, e), sig)) {
      return Verdict.INVALID;
    }
    long now = clock.millis() / 1000;
    // A valid signature never lasts longer than LIFETIME from now, whatever its expiry says.
    return e < now || e > now + LIFETIME.toSeconds() ? Verdict.EXPIRED : Verdict.VALID;
  }

  private static String payload(String id, String part, long exp) {
    return "file\n" + id + "\n" + part + "\n" + exp;
  }
}
