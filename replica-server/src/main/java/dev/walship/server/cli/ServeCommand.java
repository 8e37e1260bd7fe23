package dev.walship.server.cli;

import dev.walship.server.ReplicaServer;
import dev.walship.server.config.ConfigLoader;
import dev.walship.toolkit.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code serve}: runs the server in the foreground until SIGTERM (or SIGINT). On the signal it
 * stops accepting, lets in-flight writes finish for {@code limits.shutdown-grace}, closes every
 * session and exits 0. SIGHUP re-reads the configuration file and puts it in force ({@link
 * ReplicaServer#reload}); a file that does not load or check is refused with one line and the
 * running configuration stays.
 */
@Command(
    name = "serve",
    description =
        "Run the server in the foreground until SIGTERM; SIGHUP reloads the configuration.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(
      names = "-config",
      paramLabel = "FILE",
      description =
          "configuration file (default: $REPLICA_SERVER_CONFIG, else /etc/replica-server.yml)")
  Path config;

  private final CliContext context;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    ReplicaServer server;
    Path file = context.configFile(config);
    try {
      server = ReplicaServer.start(ConfigLoader.load(file));
    } catch (ConfigException e) {
      context.err().println("replica-server: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      context.err().println("replica-server: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.shutdown(server.config().limits().shutdownGrace());
                  } catch (IOException | RuntimeException e) {
                    LOG.warn("stopping: {}", e.toString());
                  }
                  LOG.info("exiting");
                  System.err.flush();
                  System.out.flush();
                  // The JVM would report the signal (exit 143); a clean stop on SIGTERM exits 0.
                  Runtime.getRuntime().halt(0);
                },
                "replica-server-shutdown"));
    onHangup(() -> reload(server, file));
    new CountDownLatch(1).await();
    return 0;
  }

  /** Loads {@code file} again and puts it in force, or says in one line why not. */
  private static void reload(ReplicaServer server, Path file) {
    try {
      server.reload(ConfigLoader.load(file));
    } catch (ConfigException e) {
      LOG.warn("reload refused: {} (the running configuration stays in force)", e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "reload refused: {}: {} (the running configuration stays in force)",
          file,
          e.getMessage());
    }
  }

  /** Runs {@code action} on each SIGHUP (instead of the JVM's default: exit). */
  private static void onHangup(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> action.run());
    } catch (IllegalArgumentException e) {
      // The JVM cannot take SIGHUP, e.g. when started under nohup (the signal is ignored then).
      LOG.warn(
          "SIGHUP cannot reload here ({}); restart to apply configuration changes", e.getMessage());
    }
  }
}
