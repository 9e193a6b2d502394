package org.celaut.sdk.client;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Options of one service start. Build with {@link #builder()}; {@link #defaults()} has none.
 *
 * @param environment variables the instance gets (also written to its config file)
 * @param initialMu starting balance in the node's MU; null = the node's default
 * @param timeout how long to wait for the node's answer
 */
public record StartOptions(Map<String, String> environment, BigInteger initialMu, Duration timeout) {

  /** Default time to wait for a start: building an image the first time can take a while. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  public StartOptions {
    environment = Map.copyOf(environment);
  }

  public static StartOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link StartOptions}. */
  public static final class Builder {
    private final Map<String, String> env = new TreeMap<>();
    private BigInteger initialMu;
    private Duration timeout = DEFAULT_TIMEOUT;

    /** Adds an environment variable; a later value for the same name wins. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder env(Map<String, String> vars) {
      env.putAll(vars);
      return this;
    }

    public Builder initialMu(BigInteger mu) {
      this.initialMu = mu;
      return this;
    }

    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    public StartOptions build() {
      return new StartOptions(env, initialMu, timeout);
    }
  }
}
