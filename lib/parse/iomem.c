/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "iomem.h"

#include <ctype.h>
#include <inttypes.h>

#include "array.h"
#include "macro.h"

/* Resource names firmware framebuffers register (x86 sysfb, efifb, vesafb, simplefb/simpledrm). */
static const char *const framebuffer_names[] = {
        "BOOTFB", "efifb", "vesafb", "simple-framebuffer", "simplefb", "simpledrm",
};

static bool is_framebuffer_name(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(framebuffer_names); i++)
                if (streq(name, framebuffer_names[i]) || startswith(name, framebuffer_names[i]))
                        return true;
        return false;
}

#define IOMEM_MAX_DEPTH 16

struct iomem_line {
        unsigned depth;
        uint64_t start, end;
        const char *name;
        size_t name_len;
};

static bool parse_iomem_line(const char *line, size_t len, struct iomem_line *ret)
{
        size_t i = 0;
        while (i < len && line[i] == ' ')
                i++;
        if (i % 2 != 0)
                return false;
        ret->depth = (unsigned) (i / 2);

        /* strtoull() would also take leading whitespace and a sign: the kernel prints neither. */
        if (i >= len || !isxdigit((unsigned char) line[i]))
                return false;
        char *end;
        errno = 0;
        unsigned long long start = strtoull(line + i, &end, 16);
        if (errno || *end != '-' || !isxdigit((unsigned char) end[1]))
                return false;
        const char *p = end + 1;
        unsigned long long stop = strtoull(p, &end, 16);
        if (errno || (size_t) (end - line) + 3 > len || strncmp(end, " : ", 3) != 0)
                return false;
        ret->start = start;
        ret->end = stop;
        ret->name = end + 3;
        ret->name_len = len - (size_t) (ret->name - line);
        return true;
}

int iomem_find_framebuffers(const char *text, struct framebuffer_range **ret, size_t *ret_n)
{
        struct framebuffer_range *found = NULL;
        size_t n = 0;
        /* The PCI function owning each open nesting level, if that level is a function's BAR. */
        bool level_is_pci[IOMEM_MAX_DEPTH] = { false };
        struct pci_address level_pci[IOMEM_MAX_DEPTH];
        uint64_t level_start[IOMEM_MAX_DEPTH] = { 0 }, level_end[IOMEM_MAX_DEPTH] = { 0 };

        for (const char *line = text; *line;) {
                const char *eol = strchr(line, '\n');
                size_t len = eol ? (size_t) (eol - line) : strlen(line);
                struct iomem_line entry;

                if (parse_iomem_line(line, len, &entry) && entry.depth < IOMEM_MAX_DEPTH) {
                        char name[64];
                        size_t name_len = entry.name_len < sizeof(name) - 1 ? entry.name_len : sizeof(name) - 1;
                        memcpy(name, entry.name, name_len);
                        name[name_len] = '\0';

                        level_is_pci[entry.depth] = pci_address_parse(name, &level_pci[entry.depth], NULL) == 0;
                        level_start[entry.depth] = entry.start;
                        level_end[entry.depth] = entry.end;

                        if (is_framebuffer_name(name)) {
                                if (ARRAY_GROW(found, n) < 0) {
                                        free(found);
                                        return -ENOMEM;
                                }
                                struct framebuffer_range *fb = &found[n++];
                                *fb = (struct framebuffer_range){ .start = entry.start, .end = entry.end };
                                snprintf(fb->name, sizeof(fb->name), "%s", name);
                                /* A level left over from a skipped line may not enclose it:
                                 * only a BAR that contains the range owns it (with the zeros
                                 * unprivileged readers see, every level does). */
                                for (unsigned d = entry.depth; d-- > 0;)
                                        if (level_is_pci[d] && level_start[d] <= entry.start &&
                                            entry.end <= level_end[d]) {
                                                fb->has_owner = true;
                                                fb->owner = level_pci[d];
                                                break;
                                        }
                        }
                }
                line += len;
                if (*line == '\n')
                        line++;
        }
        *ret = found;
        *ret_n = n;
        return (int) n;
}
