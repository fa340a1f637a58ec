/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module_loader.h"

#include <dirent.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "fileio.h"
#include "kernel_info.h"
#include "log.h"
#include "macro.h"
#include "rootdir.h"
#include "vfio_modules.h"

struct module_loader {
        struct kmod_ctx *ctx;
        bool can_load; /* only on the host's own root */
};

static void kmod_log_to_ours(void *data, int priority, const char *file, int line, const char *fn, const char *format,
                             va_list args) __attribute__((format(printf, 6, 0)));
static void kmod_log_to_ours(void *data, int priority, const char *file, int line, const char *fn, const char *format,
                             va_list args)
{
        if (priority > LOG_LEVEL_WARNING || log_get_max_level() < LOG_LEVEL_DEBUG)
                return;
        char message[512];
        vsnprintf(message, sizeof(message), format, args);
        message[strcspn(message, "\n")] = '\0';
        log_debug("libkmod: %s", message);
}

int module_loader_new(const struct rootdir *root, const char *release, struct module_loader **ret)
{
        struct module_loader *ml = calloc(1, sizeof(*ml));
        if (!ml)
                return -ENOMEM;
        ml->can_load = rootdir_is_host(root);

        _cleanup_free_ char *running = NULL, *dirname = NULL;
        char *config_paths[5] = {};
        int r = 0;
        if (!ml->can_load) {
                /* Another root: its modules and its modprobe.d, never the host's. */
                if (!release) {
                        r = kernel_release(root, &running);
                        if (r < 0)
                                goto fail;
                        release = running;
                }
                char path[300];
                snprintf(path, sizeof(path), "/lib/modules/%s", release);
                dirname = rootdir_join(root, path);
                static const char *const dirs[] = { "/etc/modprobe.d", "/run/modprobe.d", "/lib/modprobe.d" };
                for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                        config_paths[i] = rootdir_join(root, dirs[i]);
                if (!dirname || !config_paths[0] || !config_paths[1] || !config_paths[2]) {
                        r = -ENOMEM;
                        goto fail;
                }
        } else if (release) {
                if (asprintf(&dirname, "/lib/modules/%s", release) < 0) {
                        r = -ENOMEM;
                        goto fail;
                }
        }

        ml->ctx = kmod_new(dirname, ml->can_load ? NULL : (const char *const *) config_paths);
        for (size_t i = 0; i < ELEMENTSOF(config_paths); i++)
                free(config_paths[i]);
        if (!ml->ctx) {
                r = -ENOMEM;
                goto fail;
        }
        kmod_set_log_fn(ml->ctx, kmod_log_to_ours, NULL);
        *ret = ml;
        return 0;
fail:
        free(ml);
        return r;
}

struct module_loader *module_loader_free(struct module_loader *ml)
{
        if (!ml)
                return NULL;
        kmod_unref(ml->ctx);
        free(ml);
        return NULL;
}

static void module_list_freep(struct kmod_list **l)
{
        if (*l)
                kmod_module_unref_list(*l);
}

int module_loader_host_module(struct module_loader *ml, const char *modalias, char *buf, size_t size)
{
        if (!modalias || !*modalias)
                return -ENOENT;
        _cleanup_(module_list_freep) struct kmod_list *list = NULL;
        int r = kmod_module_new_from_lookup(ml->ctx, modalias, &list);
        if (r < 0)
                return r;
        struct kmod_list *l;
        kmod_list_foreach(l, list)
        {
                struct kmod_module *mod = kmod_module_get_module(l);
                const char *name = kmod_module_get_name(mod);
                /* vfio-pci's variant drivers match by pci: alias too; they are not host drivers. */
                bool is_vfio = startswith(name, "vfio") || strstr(name, "vfio_pci");
                if (!is_vfio)
                        snprintf(buf, size, "%s", name);
                kmod_module_unref(mod);
                if (!is_vfio)
                        return 0;
        }
        return -ENOENT;
}

int module_loader_vfio_variant(struct module_loader *ml, const char *modalias, char *buf, size_t size)
{
        if (!modalias || !startswith(modalias, "pci:"))
                return -ENOENT;
        _cleanup_free_ char *alias = NULL;
        if (asprintf(&alias, "vfio_pci:%s", modalias + 4) < 0)
                return -ENOMEM;
        _cleanup_(module_list_freep) struct kmod_list *list = NULL;
        int r = kmod_module_new_from_lookup(ml->ctx, alias, &list);
        if (r < 0)
                return r;
        struct kmod_list *l;
        r = -ENOENT;
        kmod_list_foreach(l, list)
        {
                struct kmod_module *mod = kmod_module_get_module(l);
                const char *name = kmod_module_get_name(mod);
                /* vfio-pci itself matches every device (vfio_pci:v*d*...): it is the fallback. */
                if (r < 0 && !kernel_module_name_equal(name, VFIO_PCI_MODULE)) {
                        snprintf(buf, size, "%s", name);
                        r = 0;
                }
                kmod_module_unref(mod);
        }
        return r;
}

void module_params_free(char **names, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
}

int module_loader_params(struct module_loader *ml, const char *module, char ***ret, size_t *ret_n)
{
        struct kmod_module *mod = NULL;
        int r = kmod_module_new_from_name(ml->ctx, module, &mod);
        if (r < 0)
                return r;
        struct kmod_list *info = NULL;
        r = kmod_module_get_info(mod, &info);
        kmod_module_unref(mod);
        if (r < 0)
                return r == -ENOENT || r == -EINVAL ? -ENOENT : r;

        char **names = NULL;
        size_t n = 0;
        struct kmod_list *l;
        r = 0;
        kmod_list_foreach(l, info)
        {
                if (!streq(kmod_module_info_get_key(l), "parmtype"))
                        continue;
                const char *v = kmod_module_info_get_value(l);
                if (ARRAY_GROW(names, n) < 0 || !(names[n] = strndup(v, strcspn(v, ":")))) {
                        r = -ENOMEM;
                        break;
                }
                n++;
        }
        kmod_module_info_free_list(info);
        if (r < 0) {
                module_params_free(names, n);
                return r;
        }
        *ret = names;
        *ret_n = n;
        return 0;
}

enum tristate module_loader_builtin(struct module_loader *ml, const char *module)
{
        struct kmod_module *mod = NULL;
        if (kmod_module_new_from_name(ml->ctx, module, &mod) < 0)
                return TRISTATE_UNKNOWN;
        int state = kmod_module_get_initstate(mod);
        kmod_module_unref(mod);
        if (state == KMOD_MODULE_BUILTIN)
                return TRISTATE_YES;
        return state < 0 && state != -ENOENT ? TRISTATE_UNKNOWN : TRISTATE_NO;
}

static int probe_insert(struct module_loader *ml, const char *name, const char *extra_options, bool *ret_was_there)
{
        struct kmod_module *mod = NULL;
        int r = kmod_module_new_from_name(ml->ctx, name, &mod);
        if (r < 0)
                return r;
        int state = kmod_module_get_initstate(mod);
        *ret_was_there = state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE || state == KMOD_MODULE_COMING;
        if (!*ret_was_there) {
                r = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_COMMAND, extra_options, NULL, NULL, NULL);
                if (r > 0) /* a blacklist or command flag stopped it: not loaded */
                        r = -EPERM;
        }
        kmod_module_unref(mod);
        return r;
}

int module_loader_load_vfio(struct module_loader *ml)
{
        if (!ml->can_load)
                return -EOPNOTSUPP;

        /* Options append after modprobe.d's and the kernel command line's, and the kernel keeps the
         * last value of a parameter: an empty ids= switches vfio-pci's own ID matching off. */
        bool was_there;
        int r = probe_insert(ml, VFIO_PCI_MODULE, "ids=", &was_there);
        if (r < 0)
                return r;
        bool iommu_was_there;
        int r2 = probe_insert(ml, VFIO_IOMMU_MODULE, NULL, &iommu_was_there);
        if (r2 < 0)
                (void) log_warning_errno(r2,
                                         "cannot load " VFIO_IOMMU_MODULE ": %m; guests cannot map memory for VFIO");
        return was_there ? 0 : 1;
}

int module_loader_load(struct module_loader *ml, const char *module)
{
        if (!ml->can_load)
                return -EOPNOTSUPP;
        bool was_there;
        int r = probe_insert(ml, module, NULL, &was_there);
        if (r < 0)
                return r;
        return was_there ? 0 : 1;
}

int module_loader_host_driver(struct module_loader *ml, const struct rootdir *root, const struct pci_function *f,
                              char *buf, size_t size)
{
        if (f->driver[0] && !streq(f->driver, "vfio-pci")) {
                snprintf(buf, size, "%s", f->driver);
                return 0;
        }

        char module[64];
        int r = module_loader_host_module(ml, f->modalias, module, sizeof(module));
        if (r < 0)
                return r;

        /* driver_override wants the PCI driver's name, which is not always the module's (bochs
         * registers bochs-drm, xhci_pci xhci_hcd): find the driver whose module link names it. */
        _cleanup_close_ int fd = rootdir_open_dir(root, "/sys/bus/pci/drivers");
        if (fd < 0)
                return -ENOENT;
        DIR *d = opendir_at(fd);
        if (!d)
                return -ENOENT;
        r = -ENOENT;
        for (struct dirent *de; (de = readdir(d));) {
                if (de->d_name[0] == '.')
                        continue;
                char link[320];
                snprintf(link, sizeof(link), "%s/module", de->d_name);
                _cleanup_free_ char *owner = NULL;
                if (readlink_basename_at(fd, link, &owner) < 0)
                        continue;
                if (kernel_module_name_equal(owner, module)) {
                        snprintf(buf, size, "%s", de->d_name);
                        r = 0;
                        break;
                }
        }
        closedir(d);
        return r;
}

char *module_loader_option_value(struct module_loader *ml, const char *module, char *(*extract)(const char *options))
{
        struct kmod_module *mod = NULL;
        if (kmod_module_new_from_name(ml->ctx, module, &mod) < 0)
                return NULL;
        const char *options = kmod_module_get_options(mod);
        char *value = options ? extract(options) : NULL;
        kmod_module_unref(mod);
        return value;
}
