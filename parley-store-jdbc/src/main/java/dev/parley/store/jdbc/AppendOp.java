package dev.parley.store.jdbc;

import dev.parley.core.AppendRequest;
import dev.parley.core.Appended;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One message's append in the group-commit writer: alone by the store's {@link
 * JdbcMessageStore#appendInTransaction}, or, when the store appends many in one statement ({@link
 * Together}), together with the appends next to it in the batch. Its future completes after the
 * commit.
 *
 * <p>Not thread-safe: made by any thread, then touched only by the writer thread, until {@link
 * #committed} or {@link #failed} completes the future, on the writer thread or on the completer
 * thread it handed the batch to ({@link BatchCompleter}: that hand-off orders the read of {@link
 * #result} after its write).
 */
final class AppendOp implements GroupCommitWriter.Op {
  /**
   * A store that appends many messages in one statement: worth it where every statement is a round
   * trip to a server (PostgreSQL).
   */
  interface Together {
    /**
     * Appends {@code rs} (two or more) in their order inside the writer's open transaction, as
     * {@link JdbcMessageStore#appendInTransaction} would one by one, and returns their outcomes in
     * the same order. Writer thread.
     */
    List<Appended> appendAllInTransaction(List<AppendRequest> rs) throws SQLException;
  }

  private final JdbcMessageStore store;
  private final AppendRequest request;
  private final GroupCommitWriter.Run run;
  final CompletableFuture<Appended> future = new CompletableFuture<>();

  /** The outcome of the last apply: written by the writer thread, read at completion. */
  private Appended result;

  AppendOp(JdbcMessageStore store, AppendRequest request, GroupCommitWriter.Run run) {
    this.store = store;
    this.request = request;
    this.run = run;
  }

  /**
   * The {@link GroupCommitWriter.Run} of {@code store}'s appends: one {@link
   * Together#appendAllInTransaction} for the requests of the run, each result handed back to its
   * op.
   */
  static GroupCommitWriter.Run runOf(Together store) {
    return (c, ops) -> {
      List<AppendRequest> requests = new ArrayList<>(ops.size());
      for (GroupCommitWriter.Op op : ops) {
        requests.add(((AppendOp) op).request);
      }
      List<Appended> results = store.appendAllInTransaction(requests);
      if (results.size() != ops.size()) {
        throw new SQLException(
            "appended " + results.size() + " messages for " + ops.size() + " requests");
      }
      for (int i = 0; i < ops.size(); i++) {
        ((AppendOp) ops.get(i)).result = results.get(i);
      }
    };
  }

  @Override
  public String orderKey() {
    return request.conversation();
  }

  @Override
  public void apply(Connection c) throws SQLException {
    result = store.appendInTransaction(request);
  }

  @Override
  public GroupCommitWriter.Run run() {
    return run;
  }

  @Override
  public void committed() {
    future.complete(result);
  }

  @Override
  public void failed(Throwable t) {
    future.completeExceptionally(t);
  }
}
