/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The sh reader of /etc/default/grub. Input: a file, optionally a NUL and a second file run after
 * it. Either reading fails with a position inside the file, or every variable that is
 * determinable has, for each byte of its value, an origin inside the file it names whose raw bytes
 * produce that byte (the byte itself, or a backslash escape of it), in the quoting recorded.
 */
#include <errno.h>

#include "fuzz.h"
#include "sh_vars.h"

static const char *const names[] = {
        "GRUB_CMDLINE_LINUX_DEFAULT", "GRUB_CMDLINE_LINUX", "A", "B", "X", "GRUB_DEFAULT"
};

static void check_origins(const struct sh_env *env, const char *const *texts, size_t n_texts)
{
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                const char *v;
                const struct sh_origin *o;
                struct sh_error e = {};
                int r = sh_env_get(env, names[i], &v, &o, NULL, &e);
                if (r < 0) {
                        CHECK(r == -EINVAL && e.line >= 1 && e.column >= 1 && e.message, "refusal without a position");
                        sh_error_done(&e);
                        continue;
                }
                for (size_t k = 0; v[k]; k++) {
                        CHECK(o[k].file < n_texts, "%s byte %zu: file %u", names[i], k, o[k].file);
                        const char *t = texts[o[k].file];
                        size_t len = strlen(t);
                        CHECK(o[k].raw_start < o[k].raw_end && o[k].raw_end <= len, "%s byte %zu: range %zu-%zu of %zu",
                              names[i], k, o[k].raw_start, o[k].raw_end, len);
                        size_t span = o[k].raw_end - o[k].raw_start;
                        CHECK((span == 1 && t[o[k].raw_start] == v[k]) ||
                                      (span == 2 && t[o[k].raw_start] == '\\' && t[o[k].raw_start + 1] == v[k] &&
                                       o[k].quote != SH_QUOTE_SINGLE),
                              "%s byte %zu '%c' does not come from its origin", names[i], k, v[k]);
                }
                const struct sh_assignment *a = sh_env_last_assignment(env, names[i], SH_ANY_FILE);
                if (a) {
                        size_t len = strlen(texts[a->file]);
                        CHECK(a->word_start <= a->append_at && a->append_at <= a->word_end && a->word_end <= len,
                              "assignment of %s: word %zu-%zu, append at %zu", names[i], a->word_start, a->word_end,
                              a->append_at);
                }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *rest = NULL;
        size_t rest_size = 0;
        char *first = fuzz_string(data, size, &rest, &rest_size);
        char *second = rest ? strndup(rest, rest_size) : NULL;
        const char *texts[2] = { first, second };
        struct sh_env *env = NULL;

        if (!first || sh_env_new(&env) < 0)
                goto out;
        for (size_t i = 0; i < 2 && texts[i]; i++) {
                struct sh_error e = {};
                int r = sh_env_run(env, i ? "second" : "first", texts[i], &e);
                if (r < 0) {
                        CHECK(r == -EINVAL || r == -ENOMEM, "run: %d", r);
                        if (r == -EINVAL) {
                                unsigned lines = 1;
                                for (const char *c = texts[i]; *c; c++)
                                        lines += *c == '\n';
                                CHECK(e.line >= 1 && e.line <= lines && e.column >= 1, "error at %u:%u of %u lines",
                                      e.line, e.column, lines);
                        }
                        sh_error_done(&e);
                        goto out;
                }
        }
        check_origins(env, texts, second ? 2 : 1);
out:
        sh_env_free(env);
        free(first);
        free(second);
        return 0;
}
