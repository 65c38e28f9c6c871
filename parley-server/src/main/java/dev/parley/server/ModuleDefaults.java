package dev.parley.server;

import dev.parley.bots.SmtpSettings;
import dev.parley.chat.ChatConfig;
import dev.parley.core.NodeConfig;
import dev.parley.edge.JwtVerifier;
import dev.parley.store.jdbc.SqliteMessageStore;
import dev.parley.transport.TransportConfig;

/**
 * The defaults that modules own, read once from each module's own config so the settings table
 * ({@link Settings} and its groups) never copies them. Holds no reference to a setting, so any
 * group may be initialised first. Immutable.
 */
final class ModuleDefaults {
  static final TransportConfig TRANSPORT = TransportConfig.newBuilder().build();
  static final NodeConfig NODE = NodeConfig.defaults();
  static final SqliteMessageStore.Options SQLITE = SqliteMessageStore.Options.defaults();
  static final ChatConfig CHAT = ChatConfig.defaults();
  static final JwtVerifier.Settings JWT = JwtVerifier.Settings.none();
  static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/parley";
  static final SmtpSettings SMTP = SmtpSettings.off();

  private ModuleDefaults() {}
}
