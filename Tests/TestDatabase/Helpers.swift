import Foundation
import PGDriver

extension TestDatabase {
    /// Runs `body` on a new connection to `config`, on a thread of its own, and closes it.
    public static func withConnection<T: Sendable>(
        _ config: PGConfig, _ body: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        try await onThread { try body(try PGConnection(config)) }
    }

    /// The repository root (for scripts).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs a script of the repository (`scripts/db`, say) and returns its standard output.
    @discardableResult
    public static func script(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:]) throws
        -> String
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repositoryRoot.appendingPathComponent(name).path] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        // A file, not a pipe: a server the script starts must not be able to hold our read open.
        let outURL = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "ap-script-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL) }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let data = (try? Data(contentsOf: outURL)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw ScriptFailure(
                description: "\(name) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct ScriptFailure: Error, CustomStringConvertible { public let description: String }

/// The PGError a closure throws, or nil when it throws none (or another kind of error).
public func pgError(_ body: () throws -> Void) -> PGError? {
    do {
        try body()
        return nil
    } catch let e as PGError { return e } catch { return nil }
}

/// A private PostgreSQL cluster for tests that restart or crash the server, so that they never
/// disturb tests running in parallel on the shared server. Removed by `destroy()`.
public final class ScratchCluster: Sendable {
    public let folder: URL
    public let url: String

    public init() throws {
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "ap-scratch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        url = try TestDatabase.script("scripts/db", environment: ["AP_PG_DIR": folder.path])
    }

    public var config: PGConfig { PGConfig(url: url, connectTimeoutSeconds: 2) }

    public func run(_ command: String) throws {
        try TestDatabase.script("scripts/db", [command], environment: ["AP_PG_DIR": folder.path])
    }

    public func destroy() {
        try? run("stop")
        try? FileManager.default.removeItem(at: folder)
    }
}

extension TestDatabase {
    /// The server URL with another database name, for processes that read DATABASE_URL.
    public static func url(database: String) -> String {
        guard var parts = URLComponents(string: serverURL) else { return serverURL }
        parts.path = "/" + database
        return parts.string ?? serverURL
    }

    /// A built executable of this package (the test bundle sits beside them).
    public static func executable(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Starts a built executable against `database` and returns it running, its output discarded.
    /// Starts a built executable on `database`; its standard error goes to `errorFile` if given.
    public static func launch(
        _ name: String, _ arguments: [String], database: String, environment: [String: String] = [:],
        errorFile: URL? = nil
    ) throws -> Process {
        let process = Process()
        process.executableURL = executable(name)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["DATABASE_URL"] = url(database: database)
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        if let errorFile {
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: errorFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs a built executable; returns its exit status, standard output and standard error.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        let process = Process()
        process.executableURL = executable(name)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let dir = URL(fileURLWithPath: NSTemporaryDirectory())
        let outURL = dir.appendingPathComponent("ap-out-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("ap-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}

extension Process {
    /// Waits for the process to end without holding one of Swift's cooperative threads (there are
    /// two on this machine: a blocking wait there stalls every task in the test process).
    public func exited() async {
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

extension TestDatabase {
    /// `script`, waited for on a thread of its own rather than one of Swift's two cooperative threads.
    public static func script(_ name: String, _ arguments: [String] = [], environment: [String: String] = [:])
        async throws -> String
    {
        try await onThread { try script(name, arguments, environment: environment) }
    }

    /// `run`, waited for on a thread of its own.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (
        status: Int32, out: String, err: String
    ) {
        try await onThread { try run(name, arguments, environment: environment) }
    }
}
