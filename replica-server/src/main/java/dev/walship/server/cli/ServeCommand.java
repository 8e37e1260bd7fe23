package dev.walship.server.cli;

import dev.walship.server.ReplicaServer;
import dev.walship.toolkit.config.ConfigException;
import dev.walship.server.config.ConfigLoader;
import dev.walship.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: runs the server in the foreground until SIGTERM (or SIGINT). On the signal it stops
 * accepting, lets in-flight writes finish for {@code limits.shutdown-grace}, closes every session
 * and exits 0.
 */
@Command(name = "serve", description = "Run the server in the foreground until SIGTERM.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "-config", paramLabel = "FILE", description = "configuration file (default: $REPLICA_SERVER_CONFIG, else /etc/replica-server.yml)")
  Path config;

  private final CliContext context;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    ReplicaServer server;
    ServerConfig cfg;
    try {
      cfg = ConfigLoader.load(context.configFile(config));
      server = ReplicaServer.start(cfg);
    } catch (ConfigException e) {
      context.err().println("replica-server: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      context.err().println("replica-server: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.shutdown(cfg.limits().shutdownGrace());
      } catch (IOException | RuntimeException e) {
        LOG.warn("stopping: {}", e.toString());
      }
      LOG.info("exiting");
      System.err.flush();
      System.out.flush();
      // The JVM would report the signal (exit 143); a clean stop on SIGTERM exits 0.
      Runtime.getRuntime().halt(0);
    }, "replica-server-shutdown"));
    new CountDownLatch(1).await();
    return 0;
  }
}
