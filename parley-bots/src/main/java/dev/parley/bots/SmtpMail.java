package dev.parley.bots;

import dev.parley.chat.MailPort;
import dev.parley.chat.MailStore;
import dev.parley.chat.MailStore.Attempt;
import dev.parley.chat.MailStore.Mail;
import dev.parley.chat.MailStore.Status;
import dev.parley.core.NodeClock;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat layer's {@link MailPort} over SMTP (Jakarta Mail, Eclipse Angus): sends the mails the
 * {@link MailStore} holds — claims the due ones with a lease (so in a cluster one node sends each),
 * sends each as plain text with an HTML alternative ({@link MailRender}), and records the outcome:
 * sent when the server took it; on a connection error, a time-out or a temporary refusal due again
 * after {@link DeliveryBackoff}'s delay until its attempts are spent, then failed; failed at once
 * when the server refuses the recipient for good. Settled mails are deleted after {@link
 * Config#keepLog}. A failing server never blocks a chat: mails wait in the store.
 *
 * <p>Threads: passes run one at a time on {@code parley-mail-dispatcher} (a platform daemon
 * thread), started by the clock's timer every {@link Config#poll} and by {@link #queued}; each send
 * runs on a virtual thread of its own, at most {@link Config#concurrency} at once; every time comes
 * from the {@link NodeClock}, so tests drive retries with a manual clock and {@link #runOnce}.
 */
public final class SmtpMail implements MailPort, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SmtpMail.class);

  /** The longest address (RFC 5321's forward-path limit less the angle brackets). */
  public static final int MAX_ADDRESS = 254;

  /**
   * How mail is sent.
   *
   * @param smtp the server
   * @param poll how often due mails are looked for (besides being woken)
   * @param lease how long a claim lasts; longer than a send may take
   * @param concurrency sends in flight at most
   * @param backoff the retries
   * @param keepLog how long sent and failed mails stay in the outbox log
   */
  public record Config(
      SmtpSettings smtp,
      Duration poll,
      Duration lease,
      int concurrency,
      DeliveryBackoff backoff,
      Duration keepLog) {
    /** A poll every 5 s, a lease of four time-outs, 4 sends at once, the given backoff and log. */
    public static Config of(SmtpSettings smtp, DeliveryBackoff backoff, Duration keepLog) {
      return new Config(
          smtp, Duration.ofSeconds(5), smtp.timeout().multipliedBy(4), 4, backoff, keepLog);
    }
  }

  private final MailStore store;
  private final NodeClock clock;
  private final Config config;
  private final String owner;
  private final DoubleSupplier random;
  private final Session session;
  private final ExecutorService passes;
  private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore inFlight;

  /** Whether a pass is queued or running (passes never overlap); any thread. */
  private final AtomicBoolean passQueued = new AtomicBoolean();

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** When settled mails were last pruned (clock millis); pass thread only. */
  private long prunedAt;

  private volatile NodeClock.Timer timer;
  private volatile boolean closed;

  /**
   * @param owner this node's name in leases
   * @param random numbers in [0, 1) for the backoff's jitter
   */
  public SmtpMail(
      MailStore store, NodeClock clock, Config config, String owner, DoubleSupplier random) {
    this.store = store;
    this.clock = clock;
    this.config = config;
    this.owner = owner;
    this.random = random;
    this.inFlight = new Semaphore(config.concurrency());
    this.session = Session.getInstance(properties(config.smtp()));
    this.passes =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("parley-mail-dispatcher").daemon(true).unstarted(r));
    this.prunedAt = clock.millis();
  }

  /** With {@link ThreadLocalRandom}'s jitter. */
  public SmtpMail(MailStore store, NodeClock clock, Config config, String owner) {
    this(store, clock, config, owner, () -> ThreadLocalRandom.current().nextDouble());
  }

  private static Properties properties(SmtpSettings s) {
    Properties p = new Properties();
    String proto = s.tls() == SmtpSettings.Tls.TLS ? "smtps" : "smtp";
    p.setProperty("mail.transport.protocol", proto);
    String prefix = "mail." + proto + ".";
    if (s.host() != null) {
      p.setProperty(prefix + "host", s.host());
    }
    p.setProperty(prefix + "port", Integer.toString(s.port()));
    String ms = Long.toString(s.timeout().toMillis());
    p.setProperty(prefix + "connectiontimeout", ms);
    p.setProperty(prefix + "timeout", ms);
    p.setProperty(prefix + "writetimeout", ms);
    p.setProperty(prefix + "auth", Boolean.toString(s.username() != null));
    if (s.tls() == SmtpSettings.Tls.STARTTLS) {
      p.setProperty(prefix + "starttls.enable", "true");
      p.setProperty(prefix + "starttls.required", "true");
    }
    if (s.tls() != SmtpSettings.Tls.NONE) {
      p.setProperty(prefix + "ssl.checkserveridentity", "true");
    }
    p.setProperty("mail.from", s.from());
    return p;
  }

  /** Starts the periodic passes (when mail is on). */
  public SmtpMail start() {
    if (enabled()) {
      schedule();
    }
    return this;
  }

  private void schedule() {
    if (!closed) {
      timer =
          clock.schedule(
              config.poll(),
              () -> {
                queued();
                schedule();
              });
    }
  }

  @Override
  public boolean enabled() {
    return config.smtp().enabled();
  }

  @Override
  public String problemWith(String address) {
    return checkAddress(address);
  }

  /**
   * Why {@code address} is no RFC 5322 addr-spec of at most {@value #MAX_ADDRESS} characters
   * (strict parsing by Jakarta Mail, no display name, no group, a domain), or null when it is one.
   */
  public static String checkAddress(String address) {
    if (address == null || address.isEmpty()) {
      return "an email address is required";
    }
    if (address.length() > MAX_ADDRESS) {
      return "at most " + MAX_ADDRESS + " characters";
    }
    try {
      InternetAddress a = new InternetAddress(address, true);
      a.validate();
      if (a.isGroup() || !address.equals(a.getAddress()) || address.indexOf('@') < 1) {
        return "must be a plain address such as ana@example.com";
      }
      return null;
    } catch (AddressException e) {
      return "not an email address: " + e.getMessage();
    }
  }

  /** Runs a pass soon (mails were queued); passes already queued absorb it. Any thread. */
  @Override
  public void queued() {
    if (enabled() && !closed && passQueued.compareAndSet(false, true)) {
      passes.execute(
          () -> {
            passQueued.set(false);
            try {
              pass();
            } catch (RuntimeException e) {
              log.warn("mail pass failed: {}", e.toString());
            }
          });
    }
  }

  /**
   * One pass on the caller's thread: claims what is due, starts each send and completes once all
   * are settled, with how many were claimed. For tests (with a manual clock).
   */
  CompletableFuture<Integer> runOnce() {
    return pass();
  }

  private CompletableFuture<Integer> pass() {
    long now = clock.millis();
    if (now - prunedAt >= Duration.ofHours(1).toMillis()) {
      prunedAt = now;
      store
          .prune(now - config.keepLog().toMillis())
          .whenComplete(
              (n, e) -> {
                if (e != null) {
                  log.warn("could not prune the mail outbox: {}", e.toString());
                }
              });
    }
    int room = inFlight.availablePermits();
    if (room == 0) {
      return CompletableFuture.completedFuture(0);
    }
    List<Mail> claimed = store.claim(owner, now, config.lease(), room).join();
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (Mail m : claimed) {
      inFlight.acquireUninterruptibly();
      CompletableFuture<Void> f = CompletableFuture.runAsync(() -> send(m), sends);
      f.whenComplete((v, e) -> inFlight.release());
      started.add(f);
    }
    if (claimed.size() == room) {
      queued(); // there may be more
    }
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .thenApply(v -> claimed.size());
  }

  /** Sends {@code m} and settles it. On a virtual thread. */
  private void send(Mail m) {
    SmtpSettings s = config.smtp();
    String error;
    boolean retry;
    try {
      MimeMessage message = MailRender.message(session, s.from(), m);
      if (s.username() != null) {
        Transport.send(message, s.username(), s.password() == null ? "" : s.password());
      } else {
        Transport.send(message);
      }
      settle(m, new Attempt(Status.SENT, 0, null, now()));
      return;
    } catch (AddressException e) {
      error = "bad address: " + e.getMessage();
      retry = false;
    } catch (SendFailedException e) {
      // the server refused the recipient; a 4xx refusal is worth another try, a 5xx is not
      error = describe(e);
      retry = error.matches("(?s).*\\b4\\d\\d\\b.*");
    } catch (MessagingException e) {
      error = describe(e);
      retry = true;
    }
    // SMTP replies often quote the recipient: the mail log shows no addresses.
    error = error.replace(m.to(), "<recipient>");
    int attempts = m.attempts() + 1;
    if (retry && config.backoff().retries(attempts)) {
      long due = now() + config.backoff().delayAfter(attempts, random).toMillis();
      settle(m, new Attempt(Status.PENDING, due, error, now()));
    } else {
      log.warn(
          "gave up the {} mail {} of site {} after {} attempts: {}",
          m.kind().wire(),
          m.id(),
          m.site(),
          attempts,
          error);
      settle(m, new Attempt(Status.FAILED, 0, error, now()));
    }
  }

  /** The error and its causes, short, without the recipient's address. */
  private static String describe(Exception e) {
    StringBuilder b = new StringBuilder();
    Throwable t = e;
    for (int i = 0; t != null && i < 3; i++, t = t.getCause()) {
      if (i > 0) {
        b.append(" <- ");
      }
      b.append(t.getClass().getSimpleName());
      if (t.getMessage() != null) {
        b.append(": ").append(t.getMessage().strip());
      }
    }
    return b.length() > 500 ? b.substring(0, 500) : b.toString();
  }

  private void settle(Mail m, Attempt a) {
    boolean ok;
    try {
      ok = store.settle(m.id(), owner, a).join();
    } catch (RuntimeException e) {
      log.warn("could not record mail {}: {}", m.id(), e.toString()); // its lease runs out
      return;
    }
    if (!ok) {
      log.info("mail {} was taken over by another node meanwhile", m.id());
    } else if (a.status() == Status.SENT) {
      sent.incrementAndGet();
    } else if (a.status() == Status.FAILED) {
      failed.incrementAndGet();
    }
  }

  private long now() {
    return clock.millis();
  }

  /** Mails this node sent. */
  public long sent() {
    return sent.get();
  }

  /** Mails this node gave up. */
  public long failed() {
    return failed.get();
  }

  /**
   * Stops: no more passes, sends in flight interrupted, then this node's leases released so any
   * node sends its claimed mails at once. Waits up to 5 s for the store.
   */
  @Override
  public void close() {
    closed = true;
    NodeClock.Timer t = timer;
    if (t != null) {
      t.cancel();
    }
    passes.shutdownNow();
    sends.shutdownNow();
    try {
      passes.awaitTermination(5, TimeUnit.SECONDS);
      sends.awaitTermination(5, TimeUnit.SECONDS);
      store.release(owner).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not release this node's mail leases: {}", e.toString());
    }
  }
}
