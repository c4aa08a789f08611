import Foundation
import Logging

/// A logger at the level LOG_LEVEL names (trace, debug, info, notice, warning, error, critical), info if unset or
/// unknown: the same for every long-running command, so that scripts/run and the ops units set one variable.
func commandLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}
