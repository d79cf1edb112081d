/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_DEVICE_H
#define ARENA_DEVICE_H

int arena_device_register(void);
void arena_device_unregister(void);

#endif /* ARENA_DEVICE_H */
