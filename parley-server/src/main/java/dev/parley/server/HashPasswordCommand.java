package dev.parley.server;

import dev.parley.edge.Passwords;
import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code parley hash-password}: reads a password from standard input (or the console, unechoed) and
 * prints its PBKDF2 hash for a sites file's {@code passwordHash}.
 *
 * <p>Used on the main thread.
 */
@Command(
    name = "hash-password",
    mixinStandardHelpOptions = true,
    description = "Read a password from standard input and print its PBKDF2 hash for a sites file.")
final class HashPasswordCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Console console = interactive();
    String password =
        console != null
            ? new String(console.readPassword("Password: "))
            : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                .readLine();
    if (password == null || password.isEmpty()) {
      System.err.println("parley: no password given");
      return 1;
    }
    if (DemoGuard.WELL_KNOWN_PASSWORDS.contains(password)) {
      System.err.println(
          "parley: '"
              + password
              + "' is a well-known password (Parley's demo or example); choose another");
      return 1;
    }
    System.out.println(Passwords.hash(password));
    return 0;
  }

  /**
   * The console when standard input is a terminal, else null. Since JDK 22 {@code System.console()}
   * is not null when input is piped; {@code Console.isTerminal()} (JDK 22+, looked up because
   * Parley compiles for 21) tells the two apart.
   */
  @SuppressWarnings("SystemConsoleNull") // JDK 21 returns null without a terminal; handled here
  private static Console interactive() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console) ? console : null;
    } catch (ReflectiveOperationException olderJdk) {
      return console; // JDK 21: a non-null console is a terminal
    }
  }
}
