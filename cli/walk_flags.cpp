#include "walk_flags.h"
#include "parse_args.h"

#include <cctype>
#include <limits>

namespace idx::cli {

void WalkFlags::add_to(CLI::App& app) {
    app.add_option("-g,--glob", globs_, "Include or, with a leading '!', exclude files matching GLOB")
        ->type_name("GLOB")->allow_extra_args(false);
    app.add_option("--iglob", iglobs_, "Like --glob, but case-insensitive")->type_name("GLOB")->allow_extra_args(false);
    app.add_flag("--glob-case-insensitive", glob_case_insensitive_, "Treat every --glob as --iglob");
    app.add_option("-t,--type", types_, "Only files of TYPE (see --type-list)")->type_name("TYPE")->allow_extra_args(false);
    app.add_option("-T,--type-not", types_not_, "No files of TYPE")->type_name("TYPE")->allow_extra_args(false);
    app.add_flag("-u,--unrestricted", unrestricted_, "-u: --no-ignore; -uu: also --hidden; -uuu: also binary files");
    app.add_flag("--hidden", hidden_, "Include hidden files and directories");
    app.add_flag("-L,--follow", follow_, "Follow symbolic links");
    app.add_flag("--no-ignore", no_ignore_, "Ignore no files because of .gitignore, .ignore, .rgignore etc.");
    app.add_flag("--no-ignore-vcs", no_ignore_vcs_, "Do not read .gitignore, .git/info/exclude or git's global excludes");
    app.add_flag("--no-ignore-dot", no_ignore_dot_, "Do not read .ignore or .rgignore files");
    app.add_flag("--no-ignore-parent", no_ignore_parent_, "Do not read ignore files in parent directories");
    app.add_flag("--no-ignore-global", no_ignore_global_, "Do not read git's core.excludesFile");
    app.add_flag("--no-ignore-exclude", no_ignore_exclude_, "Do not read .git/info/exclude");
    app.add_flag("--no-require-git", no_require_git_, "Apply .gitignore rules outside git repositories too");
    app.add_option("--max-filesize", max_filesize_, "Skip files larger than NUM[K|M|G] bytes")->type_name("NUM+SUFFIX?");
    app.add_option("--max-depth", max_depth_, "Descend at most NUM directories")->check(count_check());
    app.add_option("-j,--threads", threads_, "Worker threads (default: one per core)")->check(count_check());
}

Expected<uint64_t> parse_size(const std::string& text) {
    if (text.empty()) return Error::invalid("invalid --max-filesize '': expected NUM[K|M|G]");
    size_t i = 0;
    uint64_t n = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        if (n > (std::numeric_limits<uint64_t>::max() - 9) / 10) {
            return Error::invalid("invalid --max-filesize '" + text + "': number too large");
        }
        n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (i == 0) return Error::invalid("invalid --max-filesize '" + text + "': expected NUM[K|M|G]");
    int shift = 0;
    if (i + 1 == text.size()) {
        switch (text[i]) {
            case 'K': shift = 10; break;
            case 'M': shift = 20; break;
            case 'G': shift = 30; break;
            default: return Error::invalid("invalid --max-filesize '" + text + "': expected NUM[K|M|G]");
        }
    } else if (i != text.size()) {
        return Error::invalid("invalid --max-filesize '" + text + "': expected NUM[K|M|G]");
    }
    if (shift > 0 && n > (std::numeric_limits<uint64_t>::max() >> shift)) {
        return Error::invalid("invalid --max-filesize '" + text + "': number too large");
    }
    return n << shift;
}

Expected<indexer::WalkOptions> WalkFlags::to_options() const {
    indexer::WalkOptions o;
    if (no_ignore_ || unrestricted_ >= 1) o.ignore.set_no_ignore();
    o.ignore.hidden = hidden_ || unrestricted_ >= 2;
    o.ignore.no_ignore_vcs |= no_ignore_vcs_;
    o.ignore.no_ignore_dot |= no_ignore_dot_;
    o.ignore.no_ignore_parent |= no_ignore_parent_;
    o.ignore.no_ignore_global |= no_ignore_global_;
    o.ignore.no_ignore_exclude |= no_ignore_exclude_;
    o.ignore.no_require_git = no_require_git_;
    o.follow_links = follow_;
    for (const auto& g : globs_) o.globs.push_back({g, glob_case_insensitive_});
    for (const auto& g : iglobs_) o.globs.push_back({g, true});
    for (const auto& t : types_) o.types.push_back({t, false});
    for (const auto& t : types_not_) o.types.push_back({t, true});
    if (!max_filesize_.empty()) {
        auto n = parse_size(max_filesize_);
        if (!n) return std::move(n).error();
        o.max_filesize = *n;
    }
    if (max_depth_ >= 0) o.max_depth = static_cast<size_t>(max_depth_);
    o.threads = threads_;
    return o;
}

}  // namespace idx::cli
