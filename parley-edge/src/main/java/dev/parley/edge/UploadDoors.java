package dev.parley.edge;

import dev.parley.edge.admin.AdminGate;
import dev.parley.edge.admin.KnowledgeApi;
import dev.parley.edge.files.FilesApi;
import dev.parley.protocol.http.HttpApi.Request;
import dev.parley.protocol.http.HttpApi.Response;
import dev.parley.protocol.http.UploadGate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The server's {@link UploadGate}: who may send a large body, asked by the transport before the
 * body is received. A conversation's file: a participant with a valid idempotency key ({@link
 * FilesApi#refusal}); a knowledge document ({@link KnowledgeApi#isUpload}): an admin ({@link
 * AdminGate#refusal}). Any other request sends no large body ({@code 404}). The paths' rules live
 * with the APIs that serve them.
 *
 * <p>Thread-safe; never blocks.
 */
public final class UploadDoors implements UploadGate {
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
    if (KnowledgeApi.isUpload(head.method(), head.path())) {
      return admins.refusal(head);
    }
    return CompletableFuture.completedFuture(
        Optional.of(
            Response.json(
                404, "{\"error\":\"not_found\",\"message\":\"no upload is taken here\"}")));
  }
}
