/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "boot_chain.h"

#include "initbind-paths.h"
#include "macro.h"
#include "rootdir.h"

static bool exists(const struct rootdir *root, const char *path) { return rootdir_exists(root, path) > 0; }

/* A generator is in use when its configuration exists; several may be installed (Debian
 * allows dracut beside initramfs-tools): the one whose package owns /etc wins, in the order
 * of how often it is the active one. */
static const struct {
        enum initramfs_generator generator;
        const char *config;
        const char *hook;
        const char *const rebuild[3]; /* the command that rebuilds every initramfs with the hook */
} generators[] = {
        { GENERATOR_INITRAMFS_TOOLS,
          "/etc/initramfs-tools/initramfs.conf",
          INITBIND_PATH_HOOK_INITRAMFS_TOOLS,
          { "update-initramfs", "-u", NULL } },
        { GENERATOR_DRACUT, "/etc/dracut.conf", INITBIND_PATH_HOOK_DRACUT, { "dracut", "-f", NULL } },
        { GENERATOR_MKINITCPIO, "/etc/mkinitcpio.conf", INITBIND_PATH_HOOK_MKINITCPIO, { "mkinitcpio", "-P", NULL } },
};

/*
 * In this order: an ostree system (its marker in /run while booted, the repository in an image)
 * whatever loader it boots with, since its entries belong to deployments; systemd-boot's loader
 * config on one of the places bootctl looks; grubby with the BLS entries it edits (Fedora, RHEL:
 * they have /etc/default/grub too, which GRUB there does not take the entries' options from);
 * GRUB's settings file. REQUIRES, when set, must exist too.
 */
static const struct {
        enum loader_kind bootloader;
        const char *path;
        const char *requires;
} bootloaders[] = {
        { LOADER_RPM_OSTREE, "/run/ostree-booted", NULL },
        { LOADER_RPM_OSTREE, "/ostree/repo", NULL },
        { LOADER_SYSTEMD_BOOT, "/efi/loader/loader.conf", NULL },
        { LOADER_SYSTEMD_BOOT, "/boot/loader/loader.conf", NULL },
        { LOADER_SYSTEMD_BOOT, "/boot/efi/loader/loader.conf", NULL },
        { LOADER_GRUBBY, "/usr/sbin/grubby", "/boot/loader/entries" },
        { LOADER_GRUBBY, "/sbin/grubby", "/boot/loader/entries" },
        { LOADER_GRUB, "/etc/default/grub", NULL },
};

void boot_chain_detect(const struct rootdir *root, struct boot_chain *ret)
{
        *ret = (struct boot_chain){};
        for (size_t i = 0; i < ELEMENTSOF(generators); i++)
                if (exists(root, generators[i].config)) {
                        ret->generator = generators[i].generator;
                        ret->hook_path = generators[i].hook;
                        ret->hook_installed = exists(root, generators[i].hook);
                        break;
                }
        for (size_t i = 0; i < ELEMENTSOF(bootloaders); i++)
                if (exists(root, bootloaders[i].path) &&
                    (!bootloaders[i].requires || exists(root, bootloaders[i].requires))) {
                        ret->bootloader = bootloaders[i].bootloader;
                        ret->bootloader_evidence = bootloaders[i].path;
                        break;
                }
}

const char *initramfs_generator_to_string(enum initramfs_generator g)
{
        switch (g) {
        case GENERATOR_INITRAMFS_TOOLS:
                return "initramfs-tools";
        case GENERATOR_DRACUT:
                return "dracut";
        case GENERATOR_MKINITCPIO:
                return "mkinitcpio";
        case GENERATOR_UNKNOWN:
                break;
        }
        return "unknown";
}

const char *loader_kind_to_string(enum loader_kind b)
{
        switch (b) {
        case LOADER_GRUB:
                return "grub";
        case LOADER_SYSTEMD_BOOT:
                return "systemd-boot";
        case LOADER_GRUBBY:
                return "grubby";
        case LOADER_RPM_OSTREE:
                return "rpm-ostree";
        case LOADER_UNKNOWN:
                break;
        }
        return "unknown";
}

const char *const *initramfs_generator_rebuild_argv(enum initramfs_generator g)
{
        for (size_t i = 0; i < ELEMENTSOF(generators); i++)
                if (generators[i].generator == g)
                        return generators[i].rebuild;
        return NULL;
}
