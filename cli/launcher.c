/* idx: the executable. A few kilobytes of C that answer `--version` at once
 * and otherwise load the real front end, libidx_cli.so, from the directory of
 * this executable. The split keeps process start-up as cheap as ripgrep's:
 * the C++ runtime, TBB and Hyperscan cost ~1 ms of dynamic linking, paid only
 * by commands that do work. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef IDX_VERSION
#define IDX_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
    if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
        fputs("idx " IDX_VERSION "\n", stdout);
        return 0;
    }
    static const char kLib[] = "libidx_cli.so";
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - sizeof kLib - 1);
    if (n <= 0) {
        fputs("idx: cannot locate the idx executable (/proc/self/exe)\n", stderr);
        return 2;
    }
    path[n] = '\0';
    char* slash = strrchr(path, '/');
    strcpy(slash ? slash + 1 : path, kLib);
    void* lib = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "idx: cannot load %s\n", dlerror());
        return 2;
    }
    int (*entry)(int, char**);
    *(void**)(&entry) = dlsym(lib, "idx_cli_main");
    if (entry == NULL) {
        fprintf(stderr, "idx: %s has no idx_cli_main\n", path);
        return 2;
    }
    return entry(argc, argv);
}
