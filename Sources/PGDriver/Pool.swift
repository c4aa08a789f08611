import Foundation
import Synchronization

/// A bounded pool of connections, each owned by a dedicated thread of its own.
///
/// Work is a synchronous closure that gets a connection; it runs on the pool's thread, so libpq's
/// blocking calls never occupy an event loop or Swift's cooperative threads (two on a 2-core machine).
/// The caller's task waits without blocking a thread. From an ordinary task that is one hop to the pool
/// thread and one back per closure, however many statements it runs: put a whole unit of work in one closure.
///
/// The pool is also a task executor. A task that prefers it (`withTaskExecutorPreference(pool)`) runs on the
/// pool's threads, and its closures then run at once on the thread it is on, with that thread's connection: no
/// hop at all. A service request made that way pays one hop in (and one out, to write its answer), not two for
/// every closure; the blocking rule still holds, since these are the pool's own threads.
public final class PGPool: @unchecked Sendable {  // every mutable field is guarded by `lock`
    public struct Options: Sendable {
        public var maxConnections: Int
        /// How long a caller may wait for a free connection before `poolTimeout`.
        public var acquireTimeout: Duration
        public init(maxConnections: Int = 10, acquireTimeout: Duration = .seconds(10)) {
            self.maxConnections = maxConnections
            self.acquireTimeout = acquireTimeout
        }
    }

    public let config: PGConfig
    public let options: Options
    private let lock = NSCondition()
    private var queue: [Work] = []
    private var idleThreads = 0
    private var threads = 0
    private var closing = false
    private var drained: [CheckedContinuation<Void, Never>] = []

    public init(_ config: PGConfig, options: Options = Options()) {
        precondition(options.maxConnections >= 1, "a pool needs at least one connection")
        self.config = config
        self.options = options
    }

    /// Runs `body` with a connection from the pool on one of the pool's threads.
    /// A connection the closure leaves in a transaction, or broken, is closed rather than reused.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        // Already on one of this pool's threads (a task that prefers the pool): its connection, here and now.
        if let worker = Worker.current, worker.pool === self { return try worker.run(body) }
        let job = Job()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                guard job.setWork(continuation: continuation, body: body) else {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                enqueue(job)
            }
        } onCancel: {
            // Only a job still waiting for a connection is withdrawn; a running one completes.
            if job.claim() {
                remove(job)
                job.fail(CancellationError())
            }
        }
    }

    /// Runs `body` in a transaction (see `PGConnection.transaction`).
    public func withTransaction<T: Sendable>(
        isolation: IsolationLevel = .readCommitted, readOnly: Bool = false,
        maxAttempts: Int = 5,
        _ body: @escaping @Sendable (PGConnection) throws -> T
    ) async throws -> T {
        try await withConnection {
            try $0.transaction(isolation: isolation, readOnly: readOnly, maxAttempts: maxAttempts, body)
        }
    }

    /// One statement, for callers with nothing else to do on the connection.
    @discardableResult
    public func query(_ sql: String, _ params: [any PGEncodable] = []) async throws -> PGResult {
        try await withConnection { try $0.query(sql, params) }
    }

    /// Stops taking work, lets queued and running work finish, closes every connection.
    public func shutdown() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            lock.lock()
            closing = true
            let finished = threads == 0
            if !finished { drained.append(done) }
            lock.broadcast()
            lock.unlock()
            if finished { done.resume() }
        }
    }

    /// Whether the code asking runs on one of this pool's threads (a task that prefers the pool, or a closure).
    public var isCurrentThread: Bool { Worker.current?.pool === self }

    /// Threads (and so connections) the pool has now.
    public var threadCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return threads
    }

    // MARK: Internals

    private func enqueue(_ job: Job) {
        lock.lock()
        if closing {
            lock.unlock()
            if job.claim() { job.fail(PGError(.poolClosed, "the database pool is shut down")) }
            return
        }
        let (start, mustWait) = append(.query(job))
        lock.unlock()

        if start { startThread() }
        if mustWait {
            // Every connection is busy: a job still queued at its deadline fails with a clear error.
            let timeout = options.acquireTimeout
            let max = options.maxConnections
            Task.detached { [weak self] in
                try? await Task.sleep(for: timeout)
                guard let self, job.claim() else { return }
                self.remove(job)
                job.fail(
                    PGError(
                        .poolTimeout,
                        "no database connection became free within \(timeout): all \(max) are in use; try again"))
            }
        }
    }

    /// Queues `work` (the lock held): whether a thread must be started for it, and whether it must wait for one.
    private func append(_ work: Work) -> (start: Bool, mustWait: Bool) {
        queue.append(work)
        var start = false
        var mustWait = false
        if queue.count > idleThreads {
            if threads < options.maxConnections {
                threads += 1
                start = true
            } else {
                mustWait = true
            }
        }
        lock.signal()
        return (start, mustWait)
    }

    private func startThread() {
        let thread = Thread { [self] in self.run() }
        thread.name = "pg-pool"
        thread.start()
    }

    private func remove(_ job: Job) {
        lock.lock()
        queue.removeAll {
            if case .query(let queued) = $0 { return queued === job }
            return false
        }
        lock.unlock()
    }

    /// Takes the next piece of work, or nil when the pool is closing and the queue is empty.
    private func next() -> Work? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if !queue.isEmpty { return queue.removeFirst() }
            if closing { return nil }
            idleThreads += 1
            lock.wait()
            idleThreads -= 1
        }
    }

    /// A pool thread: runs closures and the tasks that prefer the pool until it closes, keeping its connection
    /// open between them.
    private func run() {
        let worker = Worker(pool: self)
        Worker.current = worker
        while let work = next() {
            switch work {
            case .query(let job):
                guard job.claim() else { continue }  // timed out or cancelled while queued
                do { try job.run(worker.connection()) } catch { job.fail(error) }
                worker.release()
            case .task(let job):
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        Worker.current = nil
        worker.close()
        lock.lock()
        threads -= 1
        let waiters = threads == 0 ? drained : []
        if threads == 0 { drained = [] }
        lock.unlock()
        for waiter in waiters { waiter.resume() }
    }
}

extension PGPool: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.lock()
        if closing && threads == 0 {
            // Nothing left to run it: a thread of its own, so that the task still finishes (its closures fail).
            lock.unlock()
            Thread { [self] in job.runSynchronously(on: asUnownedTaskExecutor()) }.start()
            return
        }
        let (start, _) = append(.task(job))
        lock.unlock()
        if start { startThread() }
    }
}

/// What a pool thread runs: a closure for a connection, or a slice of a task that prefers the pool.
private enum Work {
    case query(Job)
    case task(UnownedJob)
}

/// A pool thread's own state: its connection, made when first needed and kept while it stays usable.
final class Worker {
    let pool: PGPool
    private var open: PGConnection?

    init(pool: PGPool) { self.pool = pool }

    /// The worker of the pool thread this code runs on, if it does.
    static var current: Worker? {
        get { pthread_getspecific(key).map { Unmanaged<Worker>.fromOpaque($0).takeUnretainedValue() } }
        set {
            if let old = pthread_getspecific(key) { Unmanaged<Worker>.fromOpaque(old).release() }
            pthread_setspecific(key, newValue.map { Unmanaged.passRetained($0).toOpaque() })
        }
    }
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    func connection() throws -> PGConnection {
        if let c = open, c.isHealthy { return c }
        open = try PGConnection(pool.config)
        return open!
    }

    /// A connection left in a transaction (or broken: its state is then unknown) is closed rather than reused. Its
    /// health is looked at when it is next taken, not here too: that costs a system call a closure.
    func release() {
        if let c = open, c.transactionState != .idle { open = nil }
    }

    func run<T>(_ body: (PGConnection) throws -> T) throws -> T {
        defer { release() }
        return try body(try connection())
    }

    func close() { open = nil }
}

/// One unit of work, claimed exactly once: by a pool thread, by its deadline, or by cancellation.
final class Job: Sendable {
    private struct State {
        var claimed = false
        var work: (@Sendable (PGConnection) -> Void)?
        var failure: (@Sendable (any Error) -> Void)?
    }
    private let state = Mutex(State())

    /// False when the job was already claimed (cancelled before it was queued).
    func setWork<T: Sendable>(
        continuation: CheckedContinuation<T, any Error>,
        body: @escaping @Sendable (PGConnection) throws -> T
    ) -> Bool {
        state.withLock { s in
            if s.claimed { return false }
            s.work = { connection in continuation.resume(with: Result { try body(connection) }) }
            s.failure = { continuation.resume(throwing: $0) }
            return true
        }
    }

    func claim() -> Bool {
        state.withLock { s in
            if s.claimed { return false }
            s.claimed = true
            return true
        }
    }

    func run(_ connection: PGConnection) { state.withLock { $0.work }?(connection) }
    func fail(_ error: any Error) { state.withLock { $0.failure }?(error) }
}
