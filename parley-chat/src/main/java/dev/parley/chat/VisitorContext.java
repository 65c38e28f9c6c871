package dev.parley.chat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is known of a visitor in one conversation, for the agents' visitor panel: the page and the
 * browser its widget reported ({@code context}), the claims of its site's identity JWT, and its
 * pre-chat answers. All of it is visitor-supplied (the identity claims are the site backend's, as
 * signed) and shown to people only. Immutable.
 *
 * @param conversation the chat conversation
 * @param url the page's address, or null
 * @param title the page's title, or null
 * @param referrer the page the visitor came from, or null
 * @param lang the visitor's language tag (from {@code hello.lang}), or null
 * @param userAgent the browser's user agent string, or null
 * @param timeZone the browser's IANA time zone, or null
 * @param utcOffsetMinutes the browser's offset from UTC in minutes (east positive), or null
 * @param identity the claims of the visitor's identity JWT beyond its subject (name, email, plan…),
 *     in the order given; empty for an anonymous visitor
 * @param prechat the pre-chat form's answers, field key to value, in the form's order; empty when
 *     none was filled in
 * @param updatedAtMillis when the page fields were last reported (epoch ms)
 */
public record VisitorContext(
    String conversation,
    String site,
    String visitor,
    String url,
    String title,
    String referrer,
    String lang,
    String userAgent,
    String timeZone,
    Integer utcOffsetMinutes,
    Map<String, String> identity,
    Map<String, String> prechat,
    long updatedAtMillis) {

  public VisitorContext {
    identity =
        identity == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(identity));
    prechat =
        prechat == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(prechat));
  }

  /** This context with the pre-chat answers {@code answers}. */
  public VisitorContext withPrechat(Map<String, String> answers) {
    return new VisitorContext(
        conversation,
        site,
        visitor,
        url,
        title,
        referrer,
        lang,
        userAgent,
        timeZone,
        utcOffsetMinutes,
        identity,
        answers,
        updatedAtMillis);
  }
}
