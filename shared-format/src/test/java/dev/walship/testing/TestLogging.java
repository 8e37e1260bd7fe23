package dev.walship.testing;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.walship.toolkit.logging.LogFormat;
import dev.walship.toolkit.logging.LogTarget;
import dev.walship.toolkit.logging.Logging;
import org.slf4j.event.Level;

/**
 * Logging in the tests of every module (registered for logback's configurator hook in the test
 * jar's META-INF/services): the programs' own text format at INFO on standard error, MINA quiet,
 * instead of logback's unconfigured default (everything at DEBUG).
 */
public final class TestLogging extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext context) {
    Logging.configure(context, Level.INFO, LogFormat.TEXT, LogTarget.STDERR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
