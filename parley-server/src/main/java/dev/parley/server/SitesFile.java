package dev.parley.server;

import dev.parley.chat.Agent;
import dev.parley.chat.Site;
import dev.parley.edge.Passwords;
import dev.parley.edge.admin.AgentDoc;
import dev.parley.edge.admin.InvalidSetting;
import dev.parley.edge.admin.NamespaceDoc;
import dev.parley.edge.admin.SiteDoc;
import dev.parley.edge.admin.VoiceDoc;
import dev.parley.protocol.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sites, agents and channel namespaces of a deployment, from a JSON file ({@code --sites}); the
 * format is in {@code docs/OPERATIONS.md#sites-and-agents}. Every problem is reported naming the
 * entry and the field.
 *
 * @param kbDirs per site, a folder of Markdown for its knowledge base (absent: the built-in one)
 * @param clearPasswords the trial passwords given in the clear ({@code password}), by user
 * @param namespaces the channel namespaces, checked ({@code docs/OPERATIONS.md#channel-namespaces})
 */
public record SitesFile(
    List<Site> sites,
    List<Agent> agents,
    Map<String, Path> kbDirs,
    Map<String, String> clearPasswords,
    List<NamespaceDoc> namespaces) {

  /** A file without namespaces. */
  public SitesFile(
      List<Site> sites,
      List<Agent> agents,
      Map<String, Path> kbDirs,
      Map<String, String> clearPasswords) {
    this(sites, agents, kbDirs, clearPasswords, List.of());
  }

  /** The JSON shape of the file. */
  public record Json0(
      List<SiteJson> sites, List<AgentJson> agents, List<Map<String, Object>> namespaces) {}

  /** A site in the file. */
  public record SiteJson(
      String id,
      String name,
      List<String> allowedOrigins,
      String greeting,
      String botName,
      Double confidenceThreshold,
      String kbDir,
      HoursJson hours,
      Boolean anonymousVisitors,
      String identitySecret,
      String visitorIdle,
      SiteDoc.Appearance appearance,
      VoiceDoc voice) {}

  /** Business hours in the file: days (MONDAY…), opens/closes (HH:MM), zone (Europe/Berlin). */
  public record HoursJson(List<String> days, String opens, String closes, String zone) {}

  /**
   * An agent in the file: {@code passwordHash} (from {@code parley hash-password}) or, for trials,
   * {@code password}.
   */
  public record AgentJson(
      String user,
      String name,
      List<String> sites,
      Integer capacity,
      String passwordHash,
      String password,
      Boolean admin) {}

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
      throw new IllegalArgumentException(
          "sites file " + file + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "sites file " + file + " is not valid JSON: " + e.getMessage());
    }
    if (raw.sites() == null || raw.sites().isEmpty()) {
      throw new IllegalArgumentException(
          "sites file " + file + ": \"sites\" must list at least one site");
    }
    List<Site> sites = new ArrayList<>();
    Map<String, Path> kb = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < raw.sites().size(); i++) {
      SiteJson s = raw.sites().get(i);
      String where = "sites file " + file + ": sites[" + i + "]";
      Site site;
      try {
        site =
            new SiteDoc(
                    s.id(),
                    s.name(),
                    s.allowedOrigins(),
                    s.anonymousVisitors(),
                    s.identitySecret(),
                    s.greeting(),
                    s.botName(),
                    s.confidenceThreshold(),
                    hours(s.hours()),
                    s.visitorIdle(),
                    null,
                    null,
                    s.appearance(),
                    null,
                    null,
                    null,
                    s.voice())
                .checked()
                .toSite();
      } catch (InvalidSetting e) {
        throw new IllegalArgumentException(where + "." + e.getMessage());
      }
      if (!ids.add(site.id())) {
        throw new IllegalArgumentException(where + ".id \"" + site.id() + "\" appears twice");
      }
      sites.add(site);
      if (s.kbDir() != null) {
        Path dir = file.toAbsolutePath().getParent().resolve(s.kbDir());
        if (!Files.isDirectory(dir)) {
          throw new IllegalArgumentException(where + ".kbDir " + dir + " is not a folder");
        }
        kb.put(site.id(), dir);
      }
    }
    List<Agent> agents = new ArrayList<>();
    Map<String, String> clear = new HashMap<>();
    Set<String> users = new HashSet<>();
    List<AgentJson> rawAgents = raw.agents() == null ? List.of() : raw.agents();
    for (int i = 0; i < rawAgents.size(); i++) {
      AgentJson a = rawAgents.get(i);
      String where = "sites file " + file + ": agents[" + i + "]";
      String hash = a.passwordHash();
      if (hash == null && a.password() != null) {
        hash = Passwords.hash(a.password());
        clear.put(a.user(), a.password());
      }
      if (hash == null || !hash.startsWith("pbkdf2-sha256$")) {
        throw new IllegalArgumentException(
            where + " needs passwordHash (from 'parley hash-password') or password");
      }
      Agent agent;
      try {
        agent =
            new AgentDoc(
                    a.user(),
                    a.name(),
                    a.sites(),
                    a.capacity(),
                    Boolean.TRUE.equals(a.admin()) ? "admin" : "agent",
                    false,
                    hash)
                .checked(ids)
                .toAgent();
      } catch (InvalidSetting e) {
        throw new IllegalArgumentException(
            where
                + "."
                + e.getMessage()
                    .replace("is not a site of this deployment", "is not a site of this file"));
      }
      if (!users.add(agent.user())) {
        throw new IllegalArgumentException(where + ".user \"" + agent.user() + "\" appears twice");
      }
      agents.add(agent);
    }
    return new SitesFile(sites, agents, kb, clear, namespaces(file, raw.namespaces()));
  }

  /**
   * The file's namespaces, each read strictly (a misspelt option is an error, as in the admin API)
   * and checked.
   */
  private static List<NamespaceDoc> namespaces(Path file, List<Map<String, Object>> raw) {
    List<NamespaceDoc> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<Map<String, Object>> all = raw == null ? List.of() : raw;
    for (int i = 0; i < all.size(); i++) {
      String where = "sites file " + file + ": namespaces[" + i + "]";
      NamespaceDoc n;
      try {
        n = Json.readStrict(Json.write(all.get(i)), NamespaceDoc.class).checked();
      } catch (InvalidSetting | Json.FieldError e) {
        throw new IllegalArgumentException(where + "." + e.getMessage());
      }
      if (!names.add(n.name())) {
        throw new IllegalArgumentException(where + ".name \"" + n.name() + "\" appears twice");
      }
      out.add(n);
    }
    return List.copyOf(out);
  }

  private static SiteDoc.Hours hours(HoursJson h) {
    return h == null ? null : new SiteDoc.Hours(h.days(), h.opens(), h.closes(), h.zone());
  }
}
