package dev.walship.agent.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;

/**
 * MINA's NIO2 transport, with the socket's completions handled on the threads that poll for them.
 *
 * <p>Design note. MINA builds its channel group with {@code
 * AsynchronousChannelGroup.withThreadPool}, which the JDK runs as a "cached" group: one internal
 * thread waits in {@code epoll_wait} and hands every completed read to a pool thread, which
 * decrypts the packet and wakes the thread waiting for the reply: two thread handoffs per packet
 * received. A store's upload is a few small request/reply exchanges, so at hundreds of commits a
 * second those handoffs were a tenth of the agent's CPU (profile at 200 databases × 1 commit/s). A
 * group {@code withFixedThreadPool} has no internal thread: each of its threads polls and runs the
 * completion itself. The group MINA's constructor makes is left unused (one idle thread).
 */
final class PollingNio2ServiceFactory extends Nio2ServiceFactory {
  private final AsynchronousChannelGroup group;
  private final CloseableExecutorService resuming;

  private PollingNio2ServiceFactory(FactoryManager manager) {
    super(manager, null, null);
    AtomicInteger n = new AtomicInteger();
    try {
      group =
          AsynchronousChannelGroup.withFixedThreadPool(
              getNioWorkers(manager),
              r -> {
                Thread t = new Thread(r, "walship-sftp-io-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the SFTP client's I/O threads", e);
    }
    resuming = ThreadUtils.newFixedThreadPool("walship-sftp-resume", 1);
  }

  /** The factory to give {@link org.apache.sshd.client.SshClient#setIoServiceFactoryFactory}. */
  static IoServiceFactoryFactory factory() {
    return new IoServiceFactoryFactory() {
      @Override
      public IoServiceFactory create(FactoryManager manager) {
        return new PollingNio2ServiceFactory(manager);
      }

      @Override
      public void setExecutorServiceFactory(Factory<CloseableExecutorService> ignored) {
        // the group owns its threads
      }
    };
  }

  @Override
  public IoConnector createConnector(IoHandler handler) {
    return autowireCreatedService(
        new Nio2Connector(this, getFactoryManager(), handler, group, resuming));
  }

  @Override
  protected void doCloseImmediately() {
    try {
      resuming.shutdownNow();
      group.shutdownNow();
      group.awaitTermination(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      log.debug("closing the SFTP client's I/O threads: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      super.doCloseImmediately();
    }
  }
}
