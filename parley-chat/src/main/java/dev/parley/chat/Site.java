package dev.parley.chat;

import java.util.List;

/**
 * A website that embeds the widget. Immutable.
 *
 * @param id short id used in {@code hello.site}
 * @param name display name
 * @param allowedOrigins origins whose pages may open the widget ({@code *} for any)
 * @param greeting pushed to a visitor who has no open conversation
 * @param botName the bot's display name
 * @param confidenceThreshold below it the knowledge-base bot says it is not sure (0..1)
 * @param hours when agents answer
 */
public record Site(String id, String name, List<String> allowedOrigins, String greeting, String botName,
    double confidenceThreshold, BusinessHours hours) {

  /** The demo site that {@code parley run} serves out of the box. */
  public static Site demo() {
    return new Site("demo", "Parley demo", List.of("*"),
        "Hi! I'm Parley's assistant. Ask me anything about Parley — how it works, how to run it, how it keeps "
            + "your messages safe.",
        "Parley bot", 0.5, BusinessHours.always());
  }
}
