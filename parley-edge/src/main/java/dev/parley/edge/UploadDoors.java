package dev.parley.edge;

import dev.parley.edge.admin.AdminGate;
import dev.parley.edge.files.FilesApi;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.UploadGate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The server's {@link UploadGate}: who may send a large body, asked by the transport before the
 * body is received. A conversation's file: a participant with a valid idempotency key ({@link
 * FilesApi#refusal}); a knowledge document: an admin ({@link AdminGate#refusal}). Any other path
 * sends no large body ({@code 404}).
 *
 * <p>Thread-safe; never blocks.
 */
public final class UploadDoors implements UploadGate {
  private static final Pattern KNOWLEDGE =
      Pattern.compile("/api/admin/sites/[A-Za-z0-9_.-]{1,64}/knowledge");

  private final FilesApi files;
  private final AdminGate admins;

  public UploadDoors(FilesApi files, AdminGate admins) {
    this.files = files;
    this.admins = admins;
  }

  @Override
  public CompletableFuture<Optional<Response>> check(Request head) {
    if (FilesApi.isUpload(head.path())) {
      return files.refusal(head);
    }
    if (KNOWLEDGE.matcher(head.path()).matches()) {
      return admins.refusal(head);
    }
    return CompletableFuture.completedFuture(
        Optional.of(
            Response.json(
                404, "{\"error\":\"not_found\",\"message\":\"no upload is taken here\"}")));
  }
}
