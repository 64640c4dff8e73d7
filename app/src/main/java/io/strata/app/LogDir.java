package io.strata.app;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/** Where a command's {@code strata.log} goes ({@code log4j2.xml}'s {@code strata.log.dir}). */
public final class LogDir {
  private LogDir() {}

  /**
   * Sends the log file to {@code dir}. Log4j may already have opened the default file (anything that made a logger
   * while the settings were read does that), so the configuration is re-read to open the file in {@code dir}.
   */
  public static void use(Path dir) {
    System.setProperty("strata.log.dir", dir.toAbsolutePath().toString());
    if (LogManager.getContext(false) instanceof LoggerContext context) {
      context.reconfigure();
    }
  }
}
