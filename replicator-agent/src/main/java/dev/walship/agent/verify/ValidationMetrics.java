package dev.walship.agent.verify;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code walship_replica_validations_total{db,replica,result}}: checks of {@code
 * validation-interval} by result ({@code ok}, {@code mismatch}, {@code skipped}, {@code error}),
 * read from the loops at scrape time (Litestream's {@code litestream_replica_validation_total}).
 */
public final class ValidationMetrics {
  private ValidationMetrics() {}

  public static void register(PrometheusRegistry registry, Supplier<List<ValidationLoop>> loops) {
    CounterWithCallback.builder()
        .name("walship_replica_validations")
        .help("Replica validations (restore and compare with the database) by result")
        .labelNames("db", "replica", "result")
        .callback(
            cb -> {
              for (ValidationLoop l : loops.get()) {
                for (Verdict.Result r : Verdict.Result.values()) {
                  cb.call(l.count(r), l.db(), l.replica(), r.label());
                }
              }
            })
        .register(registry);
  }
}
