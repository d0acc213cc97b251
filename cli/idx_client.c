// idx: the executable people and agents run. It does little itself:
//   --version                 prints it;
//   def, refs, sym, outline   hands the command to the `idx watch` of the
//                             index when one runs, else becomes idx-lookup;
//   ask                       becomes idx-lookup (which loads libidx_ask.so);
//   anything else             becomes idx-cli.
// All of them sit in this executable's folder; only argv crosses, by execv().
//
// Why C, linked statically against musl: its start is most of a lookup that
// `idx watch` answers. A static glibc program takes ~1.0 ms to start here
// (hyperfine, an empty main), ~0.8 ms of it in glibc's start-up probe of
// the cache sizes, which runs cpuid dozens of times, and in a virtual
// machine each cpuid traps to the hypervisor; with musl the same empty
// program takes ~0.2 ms. The C++ stages cannot use musl (Debian has no
// libstdc++ for it), so this file is the client's half of the lookup
// protocol, and cli/lookup_channel.h, which the watcher's server uses,
// documents the protocol and decodes what this file encodes. Its way of
// finding the index is indexer/index_locator.h's, restated here; the
// lookup server tests check the two agree (the server declines a request
// for another index).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

// The build passes the version bare (-DIDX_VERSION_TOKEN=0.1.0): a quoted
// one does not survive the shell the build runs commands through.
#define IDX_STRINGIFY2(x) #x
#define IDX_STRINGIFY(x) IDX_STRINGIFY2(x)
#ifdef IDX_VERSION_TOKEN
#define IDX_VERSION IDX_STRINGIFY(IDX_VERSION_TOKEN)
#else
#define IDX_VERSION "0.0.0"
#endif

// Must equal lookup_channel.cpp's kMagic and kMaxLookupRequest.
#define MAGIC "idx-lookup/1 " IDX_VERSION
#define MAX_REQUEST (64 * 1024)
// How long a watcher may take to pick up a lookup before this process runs
// it itself: both of its workers busy with long lookups, or it is stopped.
#define ACCEPT_TIMEOUT_MS 500

// What forward() can say besides an exit code.
enum { RUN_HERE = -1, WATCHER_STOPPED = -2 };

static int is_file(const char* path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

// The index for a command run in `cwd`, as indexer::locate_index() finds
// it: the nearest folder at or above cwd holding .idx/index.db is the root;
// $IDX_DB, when set, names the index file instead (its root then comes from
// the index, root_in_meta). 0 when there is none.
static int locate(const char* cwd, char* db, char* root, int* root_in_meta) {
    const char* env = getenv("IDX_DB");
    if (env && !*env) env = NULL;
    char dir[PATH_MAX];
    if (strlen(cwd) >= sizeof dir) return 0;
    strcpy(dir, cwd);
    for (;;) {
        char candidate[PATH_MAX + 16];
        snprintf(candidate, sizeof candidate, "%s/.idx/index.db", strcmp(dir, "/") == 0 ? "" : dir);
        if (is_file(candidate)) {
            strcpy(root, dir);
            *root_in_meta = env != NULL;
            if (strlen(env ? env : candidate) >= PATH_MAX) return 0;
            strcpy(db, env ? env : candidate);
            return 1;
        }
        if (strcmp(dir, "/") == 0 || dir[0] == '\0') break;
        char* slash = strrchr(dir, '/');
        if (slash == NULL) break;
        if (slash == dir) slash[1] = '\0';
        else *slash = '\0';
    }
    if (env == NULL || strlen(env) >= PATH_MAX) return 0;
    strcpy(root, cwd);
    strcpy(db, env);
    *root_in_meta = 1;
    return 1;
}

// Appends `s` and its NUL to the message; 0 once it would pass MAX_REQUEST.
static int put(char* m, size_t* n, const char* s) {
    const size_t len = strlen(s) + 1;
    if (*n + len > MAX_REQUEST) return 0;
    memcpy(m + *n, s, len);
    *n += len;
    return 1;
}

// Connects to the watcher's socket at `path`, as common/unix_socket.h's
// connect_own_socket(): only a socket file of this user, reached through
// /proc/self/fd so that no folder depth limits sun_path, and only a peer of
// this user. -1 when there is none.
static int connect_own_socket(const char* path) {
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) return -1;
    const char* slash = strrchr(path, '/');
    if (slash == NULL) return -1;  // the path is absolute
    char dir_path[PATH_MAX];
    const size_t dir_len = slash == path ? 1 : (size_t)(slash - path);
    if (dir_len >= sizeof dir_path) return -1;
    memcpy(dir_path, path, dir_len);
    dir_path[dir_len] = '\0';
    const int dir = open(dir_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -1;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    const int len = snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir, slash + 1);
    int sock = -1;
    if (len > 0 && (size_t)len < sizeof addr.sun_path) {
        sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        // A stale socket refuses; a full backlog says EAGAIN.
        if (sock >= 0 && connect(sock, (const struct sockaddr*)&addr, sizeof addr) != 0) {
            close(sock);
            sock = -1;
        }
    }
    close(dir);
    struct ucred peer;
    socklen_t peer_len = sizeof peer;
    if (sock >= 0 && (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 || peer.uid != geteuid())) {
        close(sock);
        sock = -1;
    }
    return sock;
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// Room for the control data of up to four descriptors, aligned for cmsghdr.
union control {
    struct cmsghdr align;
    char bytes[CMSG_SPACE(4 * sizeof(int))];
};

// A message of the one buffer `iov` with `control_len` bytes of `control`.
static struct msghdr one_buffer_message(struct iovec* iov, union control* control, size_t control_len) {
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control->bytes;
    msg.msg_controllen = control_len;
    return msg;
}

// One whole message within `timeout_ms` (-1: no limit) into `buf`, NUL
// terminated; its length, or -1 on a timeout, a closed connection, or a
// message too big for `cap`. Descriptors sent along are closed.
static ssize_t receive(int fd, int timeout_ms, char* buf, size_t cap) {
    const long deadline = now_ms() + timeout_ms;
    for (;;) {
        int wait = -1;
        if (timeout_ms >= 0) {
            const long left = deadline - now_ms();
            if (left <= 0) return -1;
            wait = (int)left;
        }
        struct pollfd p = {fd, POLLIN, 0};
        const int n = poll(&p, 1, wait);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        struct iovec iov = {buf, cap - 1};
        union control control;
        struct msghdr msg = one_buffer_message(&iov, &control, sizeof control.bytes);
        const ssize_t got = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) return -1;
        for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int unwanted;
                memcpy(&unwanted, CMSG_DATA(c) + i * sizeof(int), sizeof unwanted);
                close(unwanted);
            }
        }
        if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) return -1;
        buf[got] = '\0';
        return got;
    }
}

// "go" with stdout and stderr attached.
static int send_descriptors(int fd) {
    char payload[] = "go";
    struct iovec iov = {payload, 2};
    union control control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = one_buffer_message(&iov, &control, CMSG_SPACE(2 * sizeof(int)));
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    const int fds[2] = {STDOUT_FILENO, STDERR_FILENO};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    return sendmsg(fd, &msg, MSG_NOSIGNAL) == 2;
}

// The message buffers: a request, and the watcher's short replies.
static char request[MAX_REQUEST];
static char reply[256];

// The exchange of lookup_channel.h with the watcher at `sock`: the
// command's exit code, RUN_HERE when the watcher did not take it, or
// WATCHER_STOPPED when it stopped after taking it.
static int exchange(int sock, size_t request_len) {
    if (send(sock, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) return RUN_HERE;
    if (receive(sock, ACCEPT_TIMEOUT_MS, reply, sizeof reply) < 0 || strcmp(reply, "run") != 0) return RUN_HERE;
    if (!send_descriptors(sock)) return RUN_HERE;
    // Nothing is written before "started": a watcher that drops the
    // request before it (its own limits) leaves the lookup to us.
    if (receive(sock, -1, reply, sizeof reply) < 0 || strcmp(reply, "started") != 0) return RUN_HERE;
    // Committed: the watcher now writes the answer, however long it takes.
    const ssize_t n = receive(sock, -1, reply, sizeof reply);
    if (n <= 5 || strncmp(reply, "exit ", 5) != 0) return WATCHER_STOPPED;
    int code = 0;
    for (const char* p = reply + 5; *p; ++p) {
        if (*p < '0' || *p > '9' || code > 255) return WATCHER_STOPPED;
        code = code * 10 + (*p - '0');
    }
    return code <= 255 ? code : WATCHER_STOPPED;
}

// The lookup in argv as the watcher of its index ran it (see exchange()).
static int forward(int argc, char** argv) {
    static char cwd[PATH_MAX], db[PATH_MAX], root[PATH_MAX], db_abs[2 * PATH_MAX + 1], sock_path[2 * PATH_MAX + 16];
    int root_in_meta = 0;
    if (getcwd(cwd, sizeof cwd) == NULL || !locate(cwd, db, root, &root_in_meta)) return RUN_HERE;
    // Not normalised: the kernel resolves "link/.." differently.
    if (db[0] == '/') strcpy(db_abs, db);
    else snprintf(db_abs, sizeof db_abs, "%s/%s", cwd, db);
    size_t n = 0;
    if (!put(request, &n, MAGIC) || !put(request, &n, cwd) || !put(request, &n, db_abs) || !put(request, &n, root) ||
        !put(request, &n, root_in_meta ? "1" : "0")) {
        return RUN_HERE;
    }
    for (int i = 1; i < argc; ++i) {
        if (!put(request, &n, argv[i])) return RUN_HERE;  // too big for the watcher: run it here
    }
    snprintf(sock_path, sizeof sock_path, "%s-lookup.sock", db_abs);
    const int sock = connect_own_socket(sock_path);
    if (sock < 0) return RUN_HERE;
    const int code = exchange(sock, n);
    close(sock);
    if (code == WATCHER_STOPPED) fprintf(stderr, "idx: idx watch (%s) stopped before finishing the lookup\n", sock_path);
    return code;
}

// Becomes `file` from this executable's folder with the same arguments;
// returns 2, after saying why, only if that fails.
static int exec_sibling(const char* file, char** argv) {
    char path[PATH_MAX];
    const size_t room = PATH_MAX - strlen(file) - 1;
    const ssize_t n = readlink("/proc/self/exe", path, room);
    if (n <= 0 || (size_t)n >= room) {  // n == room: the path may have been cut short
        fputs("idx: cannot locate the idx executable (/proc/self/exe)\n", stderr);
        return 2;
    }
    path[n] = '\0';
    char* slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, file);
    execv(path, argv);
    fprintf(stderr, "idx: cannot run %s: %s\n", path, strerror(errno));
    return 2;
}

int main(int argc, char** argv) {
    if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        fputs("idx " IDX_VERSION "\n", stdout);
        return 0;
    }
    // The subcommand: the first argument that does not start with '-'
    // (cli/chosen_subcommand.h).
    const char* chosen = "";
    for (int i = 1; i < argc; ++i) {
        if (argv[i][0] != '-') {
            chosen = argv[i];
            break;
        }
    }
    if (strcmp(chosen, "def") == 0 || strcmp(chosen, "refs") == 0 || strcmp(chosen, "sym") == 0 ||
        strcmp(chosen, "outline") == 0) {
        const int code = forward(argc, argv);
        if (code == WATCHER_STOPPED) return 2;
        if (code >= 0) return code;
        return exec_sibling("idx-lookup", argv);
    }
    if (strcmp(chosen, "ask") == 0) return exec_sibling("idx-lookup", argv);
    return exec_sibling("idx-cli", argv);
}
