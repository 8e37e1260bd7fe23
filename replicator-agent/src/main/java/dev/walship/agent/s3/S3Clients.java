package dev.walship.agent.s3;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetBucketLocationResponse;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Builds the SDK's S3 client for a target, with Litestream v0.3.13's choices: static keys when
 * given, else the SDK's default chain; path-style addressing when asked; the region given, else
 * {@code us-east-1} with an endpoint, else the bucket's own ({@code GetBucketLocation}, asked
 * once).
 *
 * <p>Ours beyond that: the HTTP client is the JDK's ({@code url-connection-client}: no other HTTP
 * stack in the jar); checksums only where S3 requires them, and then {@code Content-MD5} (many
 * S3-compatible servers refuse the SDK's newer CRC checksums; uploads carry {@code Content-MD5}
 * too, see {@link S3Upload}); retries on 5xx, throttling and network errors wait as {@link
 * S3Options#retry()} says; every answer's {@code Date} header feeds the {@link ServerClock}.
 */
final class S3Clients {
  /**
   * Uploads smaller than this go without {@code Expect: 100-continue}: a WAL segment is a few KB,
   * and waiting for the server's go-ahead adds a round trip to every commit's way to the bucket.
   */
  static final long EXPECT_CONTINUE_FROM = 1 << 20;

  private S3Clients() {}

  static S3Client build(S3Target target, S3Options options, String region, ServerClock clock) {
    return build(target, options, region, clock, List.of());
  }

  /** With {@code more} interceptors (tests count requests with one). */
  static S3Client build(
      S3Target target,
      S3Options options,
      String region,
      ServerClock clock,
      List<ExecutionInterceptor> more) {
    var b =
        S3Client.builder()
            .httpClient(httpClient(target, options))
            .credentialsProvider(credentials(target.credentials()))
            .region(Region.of(region))
            .forcePathStyle(target.forcePathStyle())
            .serviceConfiguration(
                S3Configuration.builder()
                    .expectContinueThresholdInBytes(EXPECT_CONTINUE_FROM)
                    .build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .addPlugin(LegacyMd5Plugin.create())
            .overrideConfiguration(
                o ->
                    o.retryStrategy(retryStrategy(options))
                        .executionInterceptors(interceptors(clock, more)));
    if (target.endpoint() != null) {
      b.endpointOverride(target.endpoint());
    }
    return b.build();
  }

  private static List<ExecutionInterceptor> interceptors(
      ServerClock clock, List<ExecutionInterceptor> more) {
    List<ExecutionInterceptor> all = new ArrayList<>();
    all.add(new DateHeaders(clock));
    all.add(new Md5Only());
    all.addAll(more);
    return all;
  }

  /**
   * The region to sign with: the configured one; {@code us-east-1} with an endpoint; else where AWS
   * says the bucket is (a {@code null} or empty location is {@code us-east-1}, {@code EU} is {@code
   * eu-west-1}).
   */
  static String region(S3Target target, S3Options options, ServerClock clock) {
    if (target.region() != null) {
      return target.region();
    }
    if (target.endpoint() != null) {
      return S3Target.DEFAULT_REGION;
    }
    try (S3Client probe = build(target, options, S3Target.DEFAULT_REGION, clock)) {
      GetBucketLocationResponse r = probe.getBucketLocation(g -> g.bucket(target.bucket()));
      String location = r.locationConstraintAsString();
      if (location == null || location.isEmpty() || location.equals("null")) {
        return S3Target.DEFAULT_REGION;
      }
      return location.equals("EU") ? "eu-west-1" : location;
    }
  }

  private static SdkHttpClient httpClient(S3Target target, S3Options options) {
    var http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(options.connectTimeout())
            .socketTimeout(options.socketTimeout());
    return target.skipVerify()
        ? http.buildWithDefaults(
            AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                .build())
        : http.build();
  }

  private static AwsCredentialsProvider credentials(S3Credentials c) {
    if (!c.isStatic()) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(
        c.sessionToken() == null
            ? AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())
            : AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
  }

  private static RetryStrategy retryStrategy(S3Options options) {
    var backoff = options.retry();
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(options.attempts())
        .backoffStrategy(retry -> backoff.delay(Math.max(1, retry), ThreadLocalRandom.current()))
        .throttlingBackoffStrategy(
            retry ->
                backoff
                    .delay(Math.max(1, retry), ThreadLocalRandom.current())
                    .plus(Duration.ofMillis(100)))
        .build();
  }

  /**
   * Leaves {@code Content-MD5} alone where S3 requires a checksum ({@code DeleteObjects}): the SDK
   * also adds a CRC32 checksum there, which S3-compatible servers such as s3proxy refuse (501).
   */
  private static final class Md5Only implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      SdkHttpRequest r = context.httpRequest();
      if (r.firstMatchingHeader("Content-MD5").isEmpty()) {
        return r;
      }
      SdkHttpRequest.Builder b = r.toBuilder();
      r.forEachHeader(
          (name, values) -> {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            if (n.startsWith("x-amz-checksum-") || n.equals("x-amz-sdk-checksum-algorithm")) {
              b.removeHeader(name);
            }
          });
      return b.build();
    }
  }

  /** Feeds every answer's {@code Date} header to the server clock. */
  private record DateHeaders(ServerClock clock) implements ExecutionInterceptor {
    @Override
    public void afterTransmission(
        Context.AfterTransmission context, ExecutionAttributes attributes) {
      context.httpResponse().firstMatchingHeader("Date").ifPresent(clock::sawDate);
    }
  }
}
