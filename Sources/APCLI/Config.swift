import APDomain
import APWire
import Foundation

/// Where `ap` finds the service: AP_URL and AP_TOKEN (and AP_PREMISES) override the config file that
/// `ap login` writes (~/.config/ap/config.json, or under XDG_CONFIG_HOME), readable by the user only.
struct Config: Codable, Sendable {
    var url: String
    var token: String
    var premises: String?

    static var file: URL {
        let env = ProcessInfo.processInfo.environment
        let base =
            env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: env["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        return base.appendingPathComponent("ap/config.json")
    }

    static func load() throws(CLIError) -> Config {
        let env = ProcessInfo.processInfo.environment
        let saved = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode(Config.self, from: $0) }
        guard let url = env["AP_URL"].flatMap({ $0.isEmpty ? nil : $0 }) ?? saved?.url,
            let token = env["AP_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) ?? saved?.token
        else {
            throw CLIError(.auth, "not logged in: run `ap login --url URL` (or set AP_URL and AP_TOKEN)")
        }
        return Config(
            url: url, token: token, premises: env["AP_PREMISES"].flatMap { $0.isEmpty ? nil : $0 } ?? saved?.premises)
    }

    /// Written with mode 0600 from the start: the token is never readable by others, not even briefly.
    func save() throws(CLIError) {
        let file = Self.file
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(self)
            let temp = file.deletingLastPathComponent().appendingPathComponent(".config.json.\(getpid())")
            guard
                FileManager.default.createFile(
                    atPath: temp.path, contents: data, attributes: [.posixPermissions: 0o600])
            else {
                throw CLIError(.failure, "cannot write \(file.path): check the folder's permissions")
            }
            // rename(2) replaces the old file in one step: never a moment with half a config.
            guard rename(temp.path, file.path) == 0 else {
                throw CLIError(.failure, "cannot write \(file.path): check the folder's permissions")
            }
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError(.failure, "cannot write \(file.path): \(error.localizedDescription)")
        }
    }
}
