/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "domain_record.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "atomic_file.h"
#include "fileio.h"
#include "hexdigit.h"
#include "log.h"
#include "macro.h"
#include "rootdir.h"

/* One file name per domain: libvirt's names may hold any character but '/', ours only these. */
#define RECORD_NAME_MAX 240
#define RECORD_SUFFIX ".record"

static bool plain_name_byte(unsigned char c, bool first)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
               (c == '.' && !first);
}

/* DOMAIN with every other byte as %XX, then ".record". -ENAMETOOLONG when it does not fit. */
static int record_file_name(const char *domain, char buf[static RECORD_NAME_MAX + sizeof(RECORD_SUFFIX)])
{
        size_t n = 0;
        for (const unsigned char *p = (const unsigned char *) domain; *p; p++) {
                if (n + 3 > RECORD_NAME_MAX) {
                        log_error("domain '%.64s...': the name is too long for a record in %s", domain,
                                  DOMAIN_RECORD_DIR);
                        return -ENAMETOOLONG;
                }
                if (plain_name_byte(*p, p == (const unsigned char *) domain))
                        buf[n++] = (char) *p;
                else
                        n += (size_t) snprintf(buf + n, 4, "%%%02X", *p);
        }
        memcpy(buf + n, RECORD_SUFFIX, sizeof(RECORD_SUFFIX));
        return 0;
}

/* The domain name back from a file name; NULL when it is none of ours (or out of memory). */
static char *domain_from_file_name(const char *file)
{
        size_t len = strlen(file), suffix = strlen(RECORD_SUFFIX);
        if (len <= suffix || !streq(file + len - suffix, RECORD_SUFFIX))
                return NULL;
        char *name = malloc(len - suffix + 1);
        if (!name)
                return NULL;
        size_t n = 0;
        for (size_t i = 0; i < len - suffix; i++) {
                int hi, lo;
                if (file[i] == '%' && i + 2 < len - suffix && (hi = hex_digit_value(file[i + 1])) >= 0 &&
                    (lo = hex_digit_value(file[i + 2])) >= 0) {
                        name[n++] = (char) (hi << 4 | lo);
                        i += 2;
                } else
                        name[n++] = file[i];
        }
        name[n] = '\0';
        return name;
}

int domain_record_add(struct domain_record *rec, const struct pci_address *a, enum record_kind kind, bool managed)
{
        for (size_t i = 0; i < rec->n_entries; i++) {
                struct record_entry *e = &rec->entries[i];
                if (!pci_address_equal(&e->address, a))
                        continue;
                if (kind == RECORD_CLAIMED)
                        e->kind = RECORD_CLAIMED;
                e->managed |= managed;
                return 0;
        }
        if (ARRAY_GROW(rec->entries, rec->n_entries) < 0)
                return -ENOMEM;
        rec->entries[rec->n_entries++] = (struct record_entry){ .address = *a, .kind = kind, .managed = managed };
        return 0;
}

const struct record_entry *domain_record_find(const struct domain_record *rec, const struct pci_address *a)
{
        for (size_t i = 0; i < rec->n_entries; i++)
                if (pci_address_equal(&rec->entries[i].address, a))
                        return &rec->entries[i];
        return NULL;
}

void domain_record_done(struct domain_record *rec)
{
        free(rec->entries);
        *rec = (struct domain_record){};
}

/* mkdir -p of DOMAIN_RECORD_DIR below the root, one component at a time, never following a link. */
static int open_record_dir(const struct rootdir *root)
{
        _cleanup_close_ int fd = rootdir_open_dir(root, "/");
        if (fd < 0)
                return fd;
        _cleanup_free_ char *path = strdup(DOMAIN_RECORD_DIR);
        if (!path)
                return -ENOMEM;
        char *save = NULL;
        for (char *c = strtok_r(path, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST)
                        return -errno;
                int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return -errno;
                close(fd);
                fd = next;
        }
        return TAKE_FD(fd);
}

int domain_records_lock(const struct rootdir *root)
{
        _cleanup_close_ int fd = open_record_dir(root);
        if (fd < 0)
                return log_error_errno(fd, "cannot open %s: %m", DOMAIN_RECORD_DIR);
        if (flock(fd, LOCK_EX) < 0)
                return log_error_errno(errno, "cannot lock %s: %m", DOMAIN_RECORD_DIR);
        return TAKE_FD(fd);
}

/* One line "claimed|held ADDRESS [managed]"; -EBADMSG for anything else. */
static int parse_record_line(char *line, struct domain_record *rec)
{
        char *save = NULL, *kind = strtok_r(line, " ", &save), *address = strtok_r(NULL, " ", &save),
             *flag = strtok_r(NULL, " ", &save);
        struct pci_address a;
        if (!kind || !address || (flag && !streq(flag, "managed")) || strtok_r(NULL, " ", &save) ||
            (!streq(kind, "claimed") && !streq(kind, "held")) || pci_address_parse(address, &a, NULL) < 0)
                return -EBADMSG;
        return domain_record_add(rec, &a, streq(kind, "claimed") ? RECORD_CLAIMED : RECORD_HELD, flag != NULL);
}

static int parse_record(const char *file, char *text, struct domain_record *ret)
{
        _cleanup_(domain_record_done) struct domain_record rec = {};
        unsigned number = 0;
        char *save = NULL;
        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                number++;
                if (line[0] == '#')
                        continue;
                int r = parse_record_line(line, &rec);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        log_error("%s/%s:%u: expected 'claimed ADDRESS' or 'held ADDRESS', optionally followed by "
                                  "'managed'; remove the file if no guest of that name runs",
                                  DOMAIN_RECORD_DIR, file, number);
                        return r;
                }
        }
        *ret = rec;
        rec = (struct domain_record){};
        return 0;
}

static int read_record_file(int dirfd, const char *file, struct domain_record *ret)
{
        _cleanup_free_ char *text = NULL;
        int r = read_full_at(dirfd, file, &text, NULL);
        if (r == -ENOENT)
                return r;
        if (r < 0)
                return log_error_errno(r, "cannot read %s/%s: %m", DOMAIN_RECORD_DIR, file);
        return parse_record(file, text, ret);
}

int domain_record_read(int dirfd, const char *domain, struct domain_record *ret)
{
        char file[RECORD_NAME_MAX + sizeof(RECORD_SUFFIX)];
        int r = record_file_name(domain, file);
        return r < 0 ? r : read_record_file(dirfd, file, ret);
}

int domain_record_write(int dirfd, const char *domain, const struct domain_record *rec)
{
        char file[RECORD_NAME_MAX + sizeof(RECORD_SUFFIX)];
        int r = record_file_name(domain, file);
        if (r < 0)
                return r;
        /* At most "claimed ffffffff:ff:1f.7 managed\n" a line, after the header. */
        size_t size = 256 + rec->n_entries * 48;
        _cleanup_free_ char *text = malloc(size);
        if (!text)
                return -ENOMEM;
        size_t n = (size_t) snprintf(text, size,
                                     "# initbind-libvirt-hook: what prepare begin did for this domain; "
                                     "release end gives back the 'claimed' lines\n");
        for (size_t i = 0; i < rec->n_entries; i++) {
                const struct record_entry *e = &rec->entries[i];
                char a[PCI_ADDRESS_STRING_MAX];
                n += (size_t) snprintf(text + n, size - n, "%s %s%s\n", e->kind == RECORD_CLAIMED ? "claimed" : "held",
                                       pci_address_format(&e->address, a), e->managed ? " managed" : "");
        }
        r = atomic_file_write_at(dirfd, file, text, n, 0644);
        if (r < 0)
                return log_error_errno(r, "cannot write %s/%s: %m", DOMAIN_RECORD_DIR, file);
        return 0;
}

int domain_record_remove(int dirfd, const char *domain)
{
        char file[RECORD_NAME_MAX + sizeof(RECORD_SUFFIX)];
        int r = record_file_name(domain, file);
        if (r < 0)
                return r;
        r = atomic_file_remove_at(dirfd, file);
        if (r < 0)
                return log_error_errno(r, "cannot remove %s/%s: %m", DOMAIN_RECORD_DIR, file);
        return 0;
}

static int add_other(struct domain_records *all, int dirfd, const char *file, const char *except_domain)
{
        _cleanup_free_ char *domain = domain_from_file_name(file);
        if (!domain || streq(domain, except_domain))
                return 0;
        struct domain_record rec = {};
        int r = read_record_file(dirfd, file, &rec);
        if (r == -ENOENT)
                return 0; /* removed by a release end since the directory was listed */
        if (r < 0)
                return r;
        if (ARRAY_GROW(all->domains, all->n) < 0 || ARRAY_GROW(all->records, all->n) < 0) {
                domain_record_done(&rec);
                return -ENOMEM;
        }
        all->domains[all->n] = TAKE_PTR(domain);
        all->records[all->n++] = rec;
        return 0;
}

int domain_records_read_others(int dirfd, const char *except_domain, struct domain_records *ret)
{
        int fd = dup(dirfd);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        rewinddir(d);
        _cleanup_(domain_records_done) struct domain_records all = {};
        int r = 0;
        for (struct dirent *de; r >= 0 && (de = readdir(d));)
                if (de->d_name[0] != '.')
                        r = add_other(&all, dirfd, de->d_name, except_domain);
        closedir(d);
        if (r < 0)
                return r;
        *ret = all;
        all = (struct domain_records){};
        return 0;
}

const char *domain_records_holder(const struct domain_records *all, const struct pci_address *a)
{
        for (size_t i = 0; i < all->n; i++)
                if (domain_record_find(&all->records[i], a))
                        return all->domains[i];
        return NULL;
}

void domain_records_done(struct domain_records *all)
{
        for (size_t i = 0; i < all->n; i++) {
                free(all->domains[i]);
                domain_record_done(&all->records[i]);
        }
        free(all->domains);
        free(all->records);
        *all = (struct domain_records){};
}
