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

/* GRUB's settings file, or systemd-boot's loader config on one of the places bootctl looks. */
static const struct {
        enum loader_kind bootloader;
        const char *path;
} bootloaders[] = {
        { LOADER_SYSTEMD_BOOT, "/efi/loader/loader.conf" },
        { LOADER_SYSTEMD_BOOT, "/boot/loader/loader.conf" },
        { LOADER_SYSTEMD_BOOT, "/boot/efi/loader/loader.conf" },
        { LOADER_GRUB, "/etc/default/grub" },
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
                if (exists(root, bootloaders[i].path)) {
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
