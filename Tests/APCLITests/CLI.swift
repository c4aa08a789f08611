import Foundation
import ServiceHarness
import TestDatabase

/// Runs the real `ap` binary against a harness's service, with its own config folder.
struct CLI: Sendable {
    let url: String
    let token: String
    let config: URL

    init(_ h: Harness, token: String) {
        url = h.url.absoluteString
        self.token = token
        config = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "ap-cli-\(UUID().uuidString.prefix(8))")
    }

    struct Run: Sendable, CustomStringConvertible {
        let status: Int32, out: String, err: String
        var description: String { "exit \(status)\nstdout: \(out)\nstderr: \(err)" }
        func json() throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(out.utf8)) }
    }

    /// `ap` with AP_URL and AP_TOKEN set (unless `environment` says otherwise), no terminal, no colour.
    func callAsFunction(_ arguments: String..., environment: [String: String] = [:], stdin: String? = nil) async throws
        -> Run
    {
        try await run(arguments, environment: environment, stdin: stdin)
    }

    func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> Run {
        let args = arguments
        let config = self.config
        let url = self.url
        let token = self.token
        return try await TestDatabase.onThread {
            let p = Process()
            p.executableURL = TestDatabase.executable("ap")
            p.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["AP_URL"] = url
            env["AP_TOKEN"] = token
            env["XDG_CONFIG_HOME"] = config.path
            env["AP_PREMISES"] = nil
            env["AP_TIMEOUT"] = "60"
            for (k, v) in environment { env[k] = v.isEmpty ? nil : v }
            p.environment = env
            let out = Pipe()
            let err = Pipe()
            let input = Pipe()
            p.standardOutput = out
            p.standardError = err
            p.standardInput = input
            try p.run()
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try input.fileHandleForWriting.close()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return Run(
                status: p.terminationStatus, out: String(decoding: o, as: UTF8.self),
                err: String(decoding: e, as: UTF8.self))
        }
    }
}
