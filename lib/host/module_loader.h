/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel modules initbind needs, through libkmod: which module would drive a device (its
 * modalias), and loading vfio-pci and vfio_iommu_type1 with modprobe.d options, dependencies and
 * softdeps honoured, never running an install command (no shell in the initramfs binary).
 */
#pragma once

#include <stddef.h>

#include "pci_host.h"

struct rootdir;
struct module_loader;

/* RELEASE NULL: the running kernel of the root. */
int module_loader_new(const struct rootdir *root, const char *release, struct module_loader **ret);
struct module_loader *module_loader_free(struct module_loader *ml);
static inline void module_loader_freep(struct module_loader **m)
{
        if (*m)
                module_loader_free(*m);
}
#define _cleanup_module_loader_ __attribute__((cleanup(module_loader_freep)))

/* The first module (not a vfio one) whose alias matches MODALIAS: the device's host driver module. */
int module_loader_host_module(struct module_loader *ml, const char *modalias, char *buf, size_t size);

/*
 * The VFIO variant driver of the kernel's modules for a device with MODALIAS ("pci:v...d..."):
 * the first module other than vfio-pci with a "vfio_pci:" alias that matches it. Such aliases
 * come from ID tables marked PCI_DRIVER_OVERRIDE_DEVICE_VFIO (scripts/mod/file2alias.c writes
 * "vfio_pci:" instead of "pci:" for them): the driver binds only through driver_override, under
 * its module's name (KBUILD_MODNAME), which is what BUF receives. -ENOENT when there is none.
 */
int module_loader_vfio_variant(struct module_loader *ml, const char *modalias, char *buf, size_t size);

/* Load MODULE (modprobe.d options, dependencies, softdeps). 1 when loaded now, 0 when it was there. */
int module_loader_load(struct module_loader *ml, const char *module);

/*
 * The parameters MODULE takes, from its modinfo (the .ko's, or modules.builtin.modinfo for a
 * built-in one): every "parmtype=NAME:TYPE" entry, which module_param() writes for each
 * parameter (the "parm=" description is optional). *RET gets the N names (malloc'd, each and the
 * array; none for a module without parameters), freed by module_params_free(). -ENOENT when the
 * module is unknown or its file is missing.
 */
int module_loader_params(struct module_loader *ml, const char *module, char ***ret, size_t *ret_n);
void module_params_free(char **names, size_t n);

/* TRISTATE_YES when MODULE is built into the kernel. */
enum tristate module_loader_builtin(struct module_loader *ml, const char *module);

/*
 * Load vfio-pci with its "ids" option emptied (initbind applies the IDs itself, by override,
 * keeping identical host devices out) and vfio_iommu_type1. Returns 1 when vfio-pci was loaded
 * now, 0 when it was loaded or built in already, -errno on failure. Only on the host root:
 * -EOPNOTSUPP under --root.
 */
int module_loader_load_vfio(struct module_loader *ml);

/* For claim_ops: the driver a protected host device should be pinned to. */
int module_loader_host_driver(struct module_loader *ml, const struct rootdir *root, const struct pci_function *f,
                              char *buf, size_t size);

/*
 * The modprobe.d options of MODULE through EXTRACT (which returns a malloc'd value or NULL).
 * On the host, libkmod also folds in the kernel command line's MODULE.param= options.
 */
char *module_loader_option_value(struct module_loader *ml, const char *module, char *(*extract)(const char *options));
