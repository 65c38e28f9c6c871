package dev.parley.chat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Wraps ports so that the calls of one method (by name, optionally by arguments) wait until {@link
 * #release} (or fail at {@link #releaseFailing}): a store or shared state that is slow, or never
 * answers. Only methods that return a {@link CompletableFuture} are held.
 *
 * <p>Thread-safe: the test thread sets what is held (volatile fields); the port's callers, on any
 * thread, are held on one future that a release completes.
 */
final class Held {
  /** The method whose calls are held; null: none. */
  private volatile String method;

  /** Which of its calls, by arguments. */
  private volatile Predicate<Object[]> which = args -> true;

  /** Whether a released call is answered with a failure after it was made. */
  private volatile boolean afterCallFailing;

  /** Completed at the release: the held calls go on. */
  private final CompletableFuture<Void> released = new CompletableFuture<>();

  /** Completed when a first call is held. */
  private final CompletableFuture<Void> holding = new CompletableFuture<>();

  /** Holds the calls of method {@code name} from now on. */
  void hold(String name) {
    hold(name, args -> true);
  }

  /** Holds the calls of method {@code name} whose arguments {@code which} accepts. */
  void hold(String name, Predicate<Object[]> which) {
    this.which = which;
    method = name;
  }

  /** Waits until a call is held (one made on another thread). */
  void awaitHeld() throws Exception {
    holding.get(10, TimeUnit.SECONDS);
  }

  /** Lets the held calls go on; later calls go through. */
  void release() {
    release(() -> null);
  }

  /** Calls from now on go through; those held stay held until a release. */
  void holdNoMore() {
    method = null;
  }

  /** Runs {@code first} on the test thread, then lets the held calls go on. */
  void release(Supplier<Void> first) {
    method = null;
    first.get();
    released.complete(null);
  }

  /** The held calls are made, then answered with a failure; later calls go through. */
  void releaseAfterCallFailing() {
    method = null;
    afterCallFailing = true;
    released.complete(null);
  }

  /** The held calls fail (the port is down); later calls go through. */
  void releaseFailing() {
    method = null;
    released.completeExceptionally(new IllegalStateException("the port was down"));
  }

  /** {@code real}, behind a proxy of {@code port} that holds what this is told to hold. */
  <T> T wrap(Class<T> port, T real) {
    Object proxy =
        Proxy.newProxyInstance(
            port.getClassLoader(),
            new Class<?>[] {port},
            (p, m, args) -> {
              if (m.getName().equals(method)
                  && m.getReturnType() == CompletableFuture.class
                  && which.test(args)) {
                holding.complete(null);
                return released
                    .thenCompose(v -> (CompletableFuture<?>) invoke(m, real, args))
                    .thenCompose(
                        done ->
                            afterCallFailing
                                ? CompletableFuture.failedFuture(
                                    new IllegalStateException("failed after the call"))
                                : CompletableFuture.completedFuture(done));
              }
              return invoke(m, real, args);
            });
    return port.cast(proxy);
  }

  private static Object invoke(Method m, Object real, Object[] args) {
    try {
      return m.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
