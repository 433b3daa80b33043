/* What closing the last fd of a tracked object gives back in the pod. Sockets need nothing here: closing the
 * app's end of a stand-in connection is what tells the proxy. */
#include "fd_table.h"
#include "remote.h"

void dpl_remote_release_slot(struct dpl_slot *slot) {
    if (slot->kind == DPL_FD_REMOTE_FILE) dpl_remote_close(slot->file.handle);
    else if (slot->kind == DPL_FD_LISTENER && slot->sock.subscribed) dpl_remote_unsubscribe(slot->sock.pod_port);
    dpl_slot_retire(slot);
}
