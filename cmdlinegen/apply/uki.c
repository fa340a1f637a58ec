/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unified kernel images (the *.efi files of EFI/Linux, the Boot Loader Specification's type #2): a kernel,
 * its initrd and often its command line in one PE image that systemd-stub runs. What the stub
 * does with a command line (systemd-stub(7)): a .cmdline section is used, and one passed by the
 * boot loader (the options of a type #1 entry that names the image) replaces it only while Secure
 * Boot is off; with Secure Boot on, a passed line is ignored whenever .cmdline exists, and only
 * signed addons (the *.addon.efi files of NAME.efi.extra.d, systemd 254 and later) add to it. So each image is
 * read here (its section table, lib/parse/pe_sections.c) and reported with what reaches it.
 */
#include "uki.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "apply_plan.h"
#include "array.h"
#include "fileio.h"
#include "pe_sections.h"

/* under EFI_GLOBAL_VARIABLE's GUID */
#define SECURE_BOOT_VAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define HEADER_BYTES 65536 /* the section table sits in the first page or so */
#define SECTION_TEXT_MAX 4096

bool apply_secure_boot_on(const struct rootdir *root)
{
        _cleanup_free_ char *v = NULL;
        size_t size = 0;

        /* efivarfs: 4 bytes of attributes, then the variable's one byte */
        return rootdir_read_file(root, SECURE_BOOT_VAR, &v, &size) >= 0 && size == 5 && v[4] == 1;
}

struct uki {
        char *path;
        char *cmdline; /* the .cmdline section, NULL without one */
        char *uname;   /* the .uname section (the kernel version), NULL without one */
        char *stub;    /* the stub's .sdmagic ("#### LoaderInfo: systemd-stub 252.39 ####"), NULL without one */
        char *error;   /* why it could not be read */
};

static void uki_done(struct uki *u)
{
        free(u->path);
        free(u->cmdline);
        free(u->uname);
        free(u->stub);
        free(u->error);
}

/* Section NAME of the image FD as text (trailing NULs and blanks cut); NULL when absent. */
static int section_text(int fd, const struct pe_section *s, size_t n, const char *name, char **ret)
{
        const struct pe_section *sec = pe_sections_find(s, n, name);
        uint32_t size = sec ? pe_section_data_size(sec) : 0;

        *ret = NULL;
        if (!sec)
                return 0;
        if (size > SECTION_TEXT_MAX)
                size = SECTION_TEXT_MAX;
        char *t = calloc(1, (size_t) size + 1);
        if (!t)
                return -ENOMEM;
        ssize_t got = pread(fd, t, size, sec->raw_offset);
        if (got < 0) {
                free(t);
                return -errno;
        }
        size_t len = strnlen(t, (size_t) got);
        while (len > 0 && strchr(" \t\n", t[len - 1]))
                len--;
        t[len] = '\0';
        *ret = t;
        return 0;
}

static int uki_read(const struct rootdir *root, struct uki *u)
{
        _cleanup_close_ int fd = rootdir_open(root, u->path, O_RDONLY | O_CLOEXEC, 0);
        _cleanup_free_ uint8_t *head = malloc(HEADER_BYTES);
        _cleanup_free_ struct pe_section *s = NULL;
        struct parse_error e = {};
        size_t n = 0;
        int r;

        if (fd < 0)
                return asprintf(&u->error, "cannot be opened (%s)", strerror(-fd)) < 0 ? -ENOMEM : 0;
        if (!head)
                return -ENOMEM;
        ssize_t got = pread(fd, head, HEADER_BYTES, 0);
        if (got < 0)
                return asprintf(&u->error, "cannot be read (%s)", strerror(errno)) < 0 ? -ENOMEM : 0;
        r = pe_sections_parse(head, (size_t) got, &s, &n, &e);
        if (r == -EBADMSG)
                return asprintf(&u->error, "is not a PE image: at byte %zu, expected %s", e.offset, e.expected) < 0
                               ? -ENOMEM
                               : 0;
        if (r >= 0)
                r = section_text(fd, s, n, ".cmdline", &u->cmdline);
        if (r >= 0)
                r = section_text(fd, s, n, ".uname", &u->uname);
        if (r >= 0)
                r = section_text(fd, s, n, ".sdmagic", &u->stub);
        return r;
}

#define LOADER_INFO "#### LoaderInfo: "
#define STUB_MAGIC LOADER_INFO "systemd-stub "
#define ADDONS_SINCE 254 /* the systemd release whose stub first reads *.addon.efi */

/*
 * Whether U's stub is known to read no addons: its .sdmagic names a systemd-stub older than
 * ADDONS_SINCE (Debian 12's is 252). Unknown (no .sdmagic, another stub) counts as reading them.
 */
static bool stub_without_addons(const struct uki *u)
{
        if (!u->stub || !startswith(u->stub, STUB_MAGIC))
                return false;
        const char *v = u->stub + strlen(STUB_MAGIC);
        char *end = NULL;
        unsigned long major = strtoul(v, &end, 10);
        return end != v && major < ADDONS_SINCE;
}

/* The stub's name and version from U's .sdmagic ("systemd-stub 252.39-1~deb12u2"); only for a U
 * stub_without_addons() took, whose .sdmagic starts with STUB_MAGIC. */
static int stub_name(const struct uki *u, char **ret)
{
        const char *v = u->stub + strlen(LOADER_INFO);
        size_t len = strcspn(v, " ");

        len += strcspn(v + len + 1, " ") + 1; /* the name, a blank, the version */
        return (*ret = strndup(v, len)) ? 0 : -ENOMEM;
}

static bool any_program(const struct rootdir *root, const char *const *paths)
{
        for (; *paths; paths++)
                if (apply_has_program(root, *paths))
                        return true;
        return false;
}

/* The kernel version of U: its .uname, else an installed version its file name holds. */
static int uki_version(const struct rootdir *root, const struct uki *u, char **ret)
{
        static const char *const dirs[] = { "/usr/lib/modules", "/lib/modules" };
        const char *name = strrchr(u->path, '/') + 1;

        *ret = NULL;
        if (u->uname)
                return (*ret = strdup(u->uname)) ? 0 : -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(dirs) && !*ret; i++) {
                _cleanup_close_ int fd = rootdir_open_dir(root, dirs[i]);
                DIR *d = fd >= 0 ? opendir_at(fd) : NULL;
                for (struct dirent *de; d && (de = readdir(d));)
                        if (de->d_name[0] != '.' && strstr(name, de->d_name) && !*ret && !(*ret = strdup(de->d_name))) {
                                closedir(d);
                                return -ENOMEM;
                        }
                if (d)
                        closedir(d);
        }
        return 0;
}

/* "kernel-install add VERSION IMAGE" for U into *ret; NULL with *ret_why when it cannot be rebuilt so. */
static int rebuild_command(const struct rootdir *root, const struct uki *u, char **ret, const char **ret_why)
{
        static const char *const kernel_install[] = { "/usr/bin/kernel-install", "/bin/kernel-install", NULL };
        static const char *const ukify[] = { "/usr/bin/ukify", "/usr/lib/systemd/ukify", NULL };
        _cleanup_free_ char *version = NULL, *image = NULL, *conf = NULL;

        *ret = NULL;
        *ret_why = NULL;
        if (!any_program(root, kernel_install)) {
                *ret_why = "no kernel-install to rebuild it with";
                return 0;
        }
        if (uki_version(root, u, &version) < 0)
                return -ENOMEM;
        if (!version) {
                *ret_why = "its kernel version is not known (no .uname section, no installed version in its name)";
                return 0;
        }
        if (asprintf(&image, "/usr/lib/modules/%s/vmlinuz", version) < 0)
                return -ENOMEM;
        if (rootdir_exists(root, image) <= 0) {
                free(image);
                if (asprintf(&image, "/boot/vmlinuz-%s", version) < 0)
                        return -ENOMEM;
        }
        (void) apply_read_file(root, "/etc/kernel/install.conf", &conf);
        if (!conf || !strstr(conf, "layout=uki"))
                *ret_why = "kernel-install makes a UKI only with layout=uki in /etc/kernel/install.conf";
        else if (!any_program(root, ukify))
                *ret_why = "no ukify (systemd 253 or later) for kernel-install to build the UKI with";
        return asprintf(ret, "kernel-install add %s %s", version, image) < 0 ? -ENOMEM : 0;
}

/* The parameters the plan wants, as the --cmdline of an addon. */
static int wanted(const struct apply_ctx *c, char **ret)
{
        _cleanup_free_ char *s = strdup("");

        for (size_t i = 0; s && i < c->n_add; i++) {
                char *t = NULL;
                if (asprintf(&t, "%s%s%s%s%s", s, i ? " " : "", c->add[i].name, c->add[i].value ? "=" : "",
                             c->add[i].value ? c->add[i].value : "") < 0)
                        return -ENOMEM;
                free(s);
                s = t;
        }
        if (!s)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

/* The warning for U: whether the change reaches it, and what to run. */
static int warn_uki(const struct apply_ctx *c, struct apply_plan *p, const struct uki *u, bool secure_boot,
                    const char *command, const char *why)
{
        _cleanup_free_ char *params = NULL, *rebuild = NULL;

        if (u->error)
                return apply_plan_warn(p, "%s %s: left alone", u->path, u->error);
        if (wanted(c, &params) < 0 ||
            asprintf(&rebuild, "%s%s%s%s%s", command ? "rebuild it from /etc/kernel/cmdline with \"" : "",
                     command ? command : "", command ? "\"" : "",
                     why ? (command ? " (" : "it cannot be rebuilt: ") : "", why ? why : "") < 0)
                return -ENOMEM;
        const char *close = command && why ? ")" : "";
        _cleanup_free_ char *stub = NULL;
        if (!u->cmdline)
                return apply_plan_warn(p,
                                       "%s is a unified kernel image without a .cmdline section: it boots with the "
                                       "command line its boot loader entry passes, and none as an entry of its own",
                                       u->path);
        if (!secure_boot)
                return apply_plan_warn(p,
                                       "%s is a unified kernel image with its own command line (.cmdline '%s'): "
                                       "systemd-stub uses that unless a loader entry passes another; %s%s",
                                       u->path, u->cmdline, rebuild, close);
        if (stub_without_addons(u)) {
                if (stub_name(u, &stub) < 0)
                        return -ENOMEM;
                return apply_plan_warn(
                        p,
                        "%s is a unified kernel image with its own command line (.cmdline '%s') and Secure Boot is "
                        "on: systemd-stub ignores every other command line, so this change does not reach it, and "
                        "its stub (%s) reads no addons (*.addon.efi came with systemd %d). What works: a rebuild "
                        "signed with your key (SecureBootPrivateKey= and SecureBootCertificate= in "
                        "/etc/kernel/uki.conf, or sbsign on the rebuilt image): %s%s",
                        u->path, u->cmdline, stub, ADDONS_SINCE, rebuild, close);
        }
        return apply_plan_warn(
                p,
                "%s is a unified kernel image with its own command line (.cmdline '%s') and Secure Boot is on: "
                "systemd-stub ignores every other command line, so this change does not reach it. What works: a "
                "signed addon, \"ukify build --cmdline='%s' --secureboot-private-key=KEY --secureboot-certificate=CERT "
                "--output=%s.extra.d/initbind.addon.efi\" (systemd-stub 254 or later adds it), or a rebuild signed "
                "with your key (SecureBootPrivateKey= and SecureBootCertificate= in /etc/kernel/uki.conf): %s%s",
                u->path, u->cmdline, params, u->path, rebuild, close);
}

/* The UKIs of DIR/EFI/Linux, each read, appended to *v. */
static int list_ukis(const struct rootdir *root, const char *dir, struct uki **v, size_t *n)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        DIR *d;
        int r = 0;

        if (!dir)
                return 0;
        if (asprintf(&path, "%s/EFI/Linux", dir) < 0)
                return -ENOMEM;
        fd = rootdir_open_dir(root, path);
        if (fd < 0)
                return 0;
        d = opendir_at(fd);
        if (!d)
                return -errno;
        for (struct dirent *de; r >= 0 && (de = readdir(d));) {
                size_t len = strlen(de->d_name);
                if (len <= 4 || !streq(de->d_name + len - 4, ".efi") || de->d_name[0] == '.')
                        continue;
                r = ARRAY_GROW(*v, *n);
                if (r >= 0 && asprintf(&(*v)[*n].path, "%s/%s", path, de->d_name) < 0)
                        r = -ENOMEM;
                if (r >= 0)
                        r = uki_read(root, &(*v)[(*n)++]);
        }
        closedir(d);
        return r;
}

static int by_path(const void *a, const void *b)
{
        return strcmp(((const struct uki *) a)->path, ((const struct uki *) b)->path);
}

int apply_uki_plan(const struct apply_ctx *c, struct apply_plan *p, const char *esp, const char *xbootldr)
{
        struct uki *v = NULL;
        size_t n = 0, n_rebuild = 0;
        _cleanup_free_ char *only = NULL;
        bool secure_boot = apply_secure_boot_on(c->root);
        int r = list_ukis(c->root, esp, &v, &n);

        if (r >= 0)
                r = list_ukis(c->root, xbootldr, &v, &n);
        if (n > 0)
                qsort(v, n, sizeof(*v), by_path); /* the report's order is not the file system's */
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_free_ char *command = NULL;
                const char *why = NULL;
                if (!v[i].error)
                        r = rebuild_command(c->root, &v[i], &command, &why);
                if (r >= 0)
                        r = warn_uki(c, p, &v[i], secure_boot, command, why);
                if (r >= 0 && command && !why && n_rebuild++ == 0)
                        only = TAKE_PTR(command);
        }
        /* one image to rebuild: the plan runs it after writing /etc/kernel/cmdline */
        if (r >= 0 && n_rebuild == 1 && p->n_files > 0) {
                _cleanup_free_ char *copy = strdup(only);
                const char *argv[5] = {};
                size_t k = 0;
                if (!copy)
                        r = -ENOMEM;
                for (char *s = copy, *save = NULL; r >= 0 && k < 4 && (s = strtok_r(s, " ", &save)); s = NULL)
                        argv[k++] = s;
                if (r >= 0)
                        r = apply_plan_set_regenerate(p,
                                                      "kernel-install rebuilds the unified kernel image from "
                                                      "/etc/kernel/cmdline",
                                                      argv);
        }
        for (size_t i = 0; i < n; i++)
                uki_done(&v[i]);
        free(v);
        return r;
}
