package dev.parley.server;

import dev.parley.chat.Agent;
import dev.parley.chat.BusinessHours;
import dev.parley.edge.Passwords;
import dev.parley.chat.Site;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sites and agents of a deployment, from a JSON file ({@code --sites}); the format is in
 * {@code docs/OPERATIONS.md#sites-and-agents}. Every problem is reported naming the entry and the
 * field.
 *
 * @param kbDirs per site, a folder of Markdown for its knowledge base (absent: the built-in one)
 */
public record SitesFile(List<Site> sites, List<Agent> agents, Map<String, Path> kbDirs) {
  /** An origin as browsers send it: scheme, host and maybe a port, no path; or {@code *}. */
  private static final java.util.regex.Pattern ORIGIN =
      java.util.regex.Pattern.compile("\\*|https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+](:[0-9]{1,5})?");


  /** The JSON shape of the file. */
  public record Json0(List<SiteJson> sites, List<AgentJson> agents) {}

  /** A site in the file. */
  public record SiteJson(String id, String name, List<String> allowedOrigins, String greeting, String botName,
      Double confidenceThreshold, String kbDir, HoursJson hours, Boolean anonymousVisitors, String identitySecret,
      String visitorIdle) {}

  /** Business hours in the file: days (MONDAY…), opens/closes (HH:MM), zone (Europe/Berlin). */
  public record HoursJson(List<String> days, String opens, String closes, String zone) {}

  /** An agent in the file: {@code passwordHash} (from {@code parley hash-password}) or, for trials, {@code password}. */
  public record AgentJson(String user, String name, List<String> sites, Integer capacity, String passwordHash,
      String password, Boolean admin) {}

  /**
   * Reads and checks {@code file}.
   *
   * @throws IllegalArgumentException naming the file, entry and field that are wrong
   */
  public static SitesFile load(Path file) {
    Json0 raw;
    try {
      raw = Json.read(Files.readAllBytes(file), Json0.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("sites file " + file + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sites file " + file + " is not valid JSON: " + e.getMessage());
    }
    if (raw.sites() == null || raw.sites().isEmpty()) {
      throw new IllegalArgumentException("sites file " + file + ": \"sites\" must list at least one site");
    }
    List<Site> sites = new ArrayList<>();
    Map<String, Path> kb = new java.util.HashMap<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < raw.sites().size(); i++) {
      SiteJson s = raw.sites().get(i);
      String where = "sites file " + file + ": sites[" + i + "]";
      if (s.id() == null || !s.id().matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException(where + ".id must be 1-64 characters of A-Z a-z 0-9 _ . -");
      }
      if (!ids.add(s.id())) {
        throw new IllegalArgumentException(where + ".id \"" + s.id() + "\" appears twice");
      }
      if (s.greeting() == null || s.greeting().isBlank()) {
        throw new IllegalArgumentException(where + ".greeting is required");
      }
      double threshold = s.confidenceThreshold() == null ? 0.5 : s.confidenceThreshold();
      if (threshold < 0 || threshold > 1) {
        throw new IllegalArgumentException(where + ".confidenceThreshold must be between 0 and 1");
      }
      if (s.identitySecret() != null && s.identitySecret().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
        throw new IllegalArgumentException(where + ".identitySecret must be at least 32 bytes (HS256)");
      }
      List<String> origins = s.allowedOrigins() == null ? List.of() : List.copyOf(s.allowedOrigins());
      for (String o : origins) {
        if (!ORIGIN.matcher(o).matches()) {
          throw new IllegalArgumentException(where + ".allowedOrigins: \"" + o + "\" is not an origin "
              + "(scheme://host[:port], like https://shop.example, or \"*\" for any)");
        }
      }
      java.time.Duration idle = Site.DEFAULT_VISITOR_IDLE;
      if (s.visitorIdle() != null) {
        try {
          idle = ValueType.duration(s.visitorIdle());
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(where + ".visitorIdle is not a duration (like 15m): " + s.visitorIdle());
        }
        if (idle.compareTo(java.time.Duration.ofMinutes(1)) < 0) {
          throw new IllegalArgumentException(where + ".visitorIdle must be at least 1m");
        }
      }
      sites.add(new Site(s.id(), s.name() == null ? s.id() : s.name(), origins, s.greeting(),
          s.botName() == null ? "Assistant" : s.botName(), threshold, hours(where, s.hours()),
          s.anonymousVisitors() == null || s.anonymousVisitors(), s.identitySecret(), idle));
      if (s.kbDir() != null) {
        Path dir = file.toAbsolutePath().getParent().resolve(s.kbDir());
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException(where + ".kbDir " + dir + " is not a folder");
        }
        kb.put(s.id(), dir);
      }
    }
    List<Agent> agents = new ArrayList<>();
    Set<String> users = new HashSet<>();
    List<AgentJson> rawAgents = raw.agents() == null ? List.of() : raw.agents();
    for (int i = 0; i < rawAgents.size(); i++) {
      AgentJson a = rawAgents.get(i);
      String where = "sites file " + file + ": agents[" + i + "]";
      if (a.user() == null || !a.user().matches("[A-Za-z0-9_.@-]{1,64}")) {
        throw new IllegalArgumentException(where + ".user must be 1-64 characters of A-Z a-z 0-9 _ . @ -");
      }
      if (!users.add(a.user())) {
        throw new IllegalArgumentException(where + ".user \"" + a.user() + "\" appears twice");
      }
      if (a.sites() == null || a.sites().isEmpty() || !ids.containsAll(a.sites())) {
        throw new IllegalArgumentException(where + ".sites must name sites of this file");
      }
      String hash = a.passwordHash();
      if (hash == null && a.password() != null) {
        hash = Passwords.hash(a.password());
      }
      if (hash == null || !hash.startsWith("pbkdf2-sha256$")) {
        throw new IllegalArgumentException(where + " needs passwordHash (from 'parley hash-password') or password");
      }
      int capacity = a.capacity() == null ? 3 : a.capacity();
      if (capacity < 0 || capacity > 1000) {
        throw new IllegalArgumentException(where + ".capacity must be between 0 and 1000");
      }
      agents.add(new Agent(a.user(), a.name() == null ? a.user() : a.name(), Set.copyOf(a.sites()), capacity, hash,
          Boolean.TRUE.equals(a.admin())));
    }
    return new SitesFile(sites, agents, kb);
  }

  private static BusinessHours hours(String where, HoursJson h) {
    if (h == null) {
      return BusinessHours.always();
    }
    try {
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (String d : h.days() == null ? List.<String>of() : h.days()) {
        days.add(DayOfWeek.valueOf(d.toUpperCase(Locale.ROOT)));
      }
      return new BusinessHours(days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : days,
          LocalTime.parse(h.opens()), LocalTime.parse(h.closes()), ZoneId.of(h.zone() == null ? "UTC" : h.zone()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ".hours is not valid (days MONDAY…, opens/closes HH:MM, zone "
          + "like Europe/Berlin): " + e.getMessage());
    }
  }
}
