package dev.parley.testkit;

import dev.parley.client.ParleyClient;
import dev.parley.client.ParleyListener;
import dev.parley.protocol.Push;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a {@link ParleyClient} delivers. Thread-safe: every list is guarded by {@code this};
 * the getters return copies.
 */
public final class RecordingListener implements ParleyListener {
  private final List<Push.Message> messages = new ArrayList<>();
  private final List<Push> events = new ArrayList<>();
  private final List<ParleyClient.State> states = new ArrayList<>();
  private final List<Push.Error> errors = new ArrayList<>();

  @Override
  public synchronized void onMessage(Push.Message message) {
    messages.add(message);
  }

  @Override
  public synchronized void onStateChange(ParleyClient.State from, ParleyClient.State to) {
    states.add(to);
  }

  @Override
  public synchronized void onEvent(Push event) {
    events.add(event);
  }

  @Override
  public synchronized void onError(Push.Error error) {
    errors.add(error);
  }

  public synchronized List<Push.Message> messages() {
    return List.copyOf(messages);
  }

  /** Messages of one conversation, in the order delivered. */
  public synchronized List<Push.Message> messages(String conv) {
    return messages.stream().filter(m -> m.conv().equals(conv)).toList();
  }

  public synchronized List<Push> events() {
    return List.copyOf(events);
  }

  public synchronized List<ParleyClient.State> states() {
    return List.copyOf(states);
  }

  public synchronized List<Push.Error> errors() {
    return List.copyOf(errors);
  }

  /** How many times the client reached CONNECTED. */
  public synchronized long connections() {
    return states.stream().filter(s -> s == ParleyClient.State.CONNECTED).count();
  }
}
