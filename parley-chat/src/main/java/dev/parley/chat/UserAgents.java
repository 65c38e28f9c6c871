package dev.parley.chat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the browser and the operating system of a user agent string, for the agents' visitor panel:
 * the major families only (Edge, Opera, Samsung Internet, Firefox, Chrome, Safari, Internet
 * Explorer; Windows, Android, iOS, iPadOS, macOS, ChromeOS, Linux) and well-known crawlers. No
 * maintained parser library (ua-parser, Yauaa) is available to this build, so this small one reads
 * the tokens those browsers put in their strings, in the order that tells them apart: Edge, Opera
 * and Samsung Internet also say "Chrome" and "Safari", Chrome also says "Safari". Anything else is
 * {@code Other}. What it says is a hint for people — the string is whatever the visitor's browser
 * sent — and never a basis for a decision.
 *
 * <p>Stateless; any thread.
 */
public final class UserAgents {
  private UserAgents() {}

  /**
   * A browser or an operating system and its version.
   *
   * @param name the family, such as {@code Firefox} or {@code Android}
   * @param version its version as the string gives it ({@code 120.0}, {@code 14}), or null
   */
  public record Family(String name, String version) {
    /** The name and the version, for people. */
    public String label() {
      return version == null ? name : name + " " + version;
    }
  }

  /** The browser and the operating system of one user agent string. */
  public record Parsed(Family browser, Family os) {}

  private static final Family OTHER = new Family("Other", null);

  /** A browser family and the token that names it; group 1 (or 2) is the version. */
  private record Token(String name, Pattern pattern) {}

  /** Browser tokens, most specific first. */
  private static final List<Token> BROWSERS =
      List.of(
          new Token("Bot", Pattern.compile("(?i)(?:bot|crawler|spider|slurp)\\b[/ ]?([0-9.]*)")),
          new Token("Edge", Pattern.compile("\\b(?:Edg|EdgA|EdgiOS|Edge)/([0-9.]+)")),
          new Token("Opera", Pattern.compile("\\b(?:OPR|OPiOS|Opera)/([0-9.]+)")),
          new Token("Samsung Internet", Pattern.compile("\\bSamsungBrowser/([0-9.]+)")),
          new Token("Firefox", Pattern.compile("\\b(?:Firefox|FxiOS)/([0-9.]+)")),
          new Token("Chrome", Pattern.compile("\\b(?:Chrome|CriOS|HeadlessChrome)/([0-9.]+)")),
          new Token("Safari", Pattern.compile("\\bVersion/([0-9.]+)(?: Mobile/\\S+)? Safari/")),
          new Token(
              "Internet Explorer",
              Pattern.compile("(?:\\bMSIE ([0-9.]+)|\\bTrident/.*\\brv:([0-9.]+))")));

  private static final Pattern WINDOWS = Pattern.compile("\\bWindows NT ([0-9.]+)");
  private static final Pattern ANDROID = Pattern.compile("\\bAndroid(?: ([0-9.]+))?");
  private static final Pattern IOS = Pattern.compile("\\b(iPhone|iPad|iPod)\\b.*?\\bOS ([0-9_]+)");
  private static final Pattern MAC = Pattern.compile("\\bMac OS X ([0-9_.]+)");

  /** The browser and operating system {@code ua} names; {@code Other} for what it does not know. */
  public static Parsed parse(String ua) {
    if (ua == null || ua.isBlank()) {
      return new Parsed(OTHER, OTHER);
    }
    return new Parsed(browser(ua), os(ua));
  }

  private static Family browser(String ua) {
    for (Token b : BROWSERS) {
      Matcher m = b.pattern().matcher(ua);
      if (m.find()) {
        String v = m.group(1);
        if (v == null && m.groupCount() > 1) {
          v = m.group(2);
        }
        return new Family(b.name(), v == null || v.isEmpty() ? null : major(v));
      }
    }
    return OTHER;
  }

  private static Family os(String ua) {
    Matcher m = WINDOWS.matcher(ua);
    if (m.find()) {
      return new Family("Windows", windows(m.group(1)));
    }
    m = IOS.matcher(ua);
    if (m.find()) {
      return new Family(m.group(1).equals("iPad") ? "iPadOS" : "iOS", m.group(2).replace('_', '.'));
    }
    m = ANDROID.matcher(ua);
    if (m.find()) {
      return new Family("Android", m.group(1));
    }
    if (ua.contains("CrOS")) {
      return new Family("ChromeOS", null);
    }
    m = MAC.matcher(ua);
    if (m.find()) {
      return new Family("macOS", m.group(1).replace('_', '.'));
    }
    if (ua.contains("Linux") || ua.contains("X11")) {
      return new Family("Linux", null);
    }
    return OTHER;
  }

  /**
   * The Windows release of an NT version: 10.0 is Windows 10 and 11 alike (browsers froze the
   * token), so it says {@code 10/11}.
   */
  private static String windows(String nt) {
    return switch (nt) {
      case "10.0" -> "10/11";
      case "6.3" -> "8.1";
      case "6.2" -> "8";
      case "6.1" -> "7";
      default -> "NT " + nt;
    };
  }

  /** A browser version down to major.minor: what a person needs, without build numbers. */
  private static String major(String v) {
    String[] parts = v.split("\\.");
    return parts.length <= 2 ? v : parts[0] + "." + parts[1];
  }
}
