# The TCP chat server of seed 003 ("TP 4.2 - Chat con Sockets en Python"),
# as the lab statement gives it; only PORT comes from the command line, and
# the listening line is flushed so a benchmark knows when it is ready.
import socket, threading, sys

HOST = '0.0.0.0' # Escucha en todas las interfaces
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 5000  # Puerto fijo del chat

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((HOST, PORT))
server.listen(5)
print(f"Servidor escuchando en {HOST}:{PORT}", flush=True)

clients = []
names = {}

def broadcast(msg, sender=None):
    for c in clients:
        if c != sender:
            try:
                c.send(msg.encode('utf-8'))
            except:
                c.close()
                clients.remove(c)

def handle_client(conn, addr):
    print(f"Cliente conectado desde {addr}")
    name = conn.recv(1024).decode('utf-8')
    names[conn] = name
    broadcast(f"*** {name} se ha unido al chat ***", conn)
    while True:
        try:
            msg = conn.recv(1024).decode('utf-8')
            if not msg: break
            if msg == '/listar':
                usuarios = ', '.join(names.values())
                conn.send(f"Usuarios: {usuarios}".encode('utf-8'))
            elif msg == '/quitar':
                break
            else:
                broadcast(f"{name}: {msg}", conn)
        except:
            break
    conn.close()
    clients.remove(conn)
    broadcast(f"*** {name} ha salido del chat ***")
    print(f"{name} desconectado.")

while True:
    conn, addr = server.accept()
    clients.append(conn)
    threading.Thread(target=handle_client, args=(conn, addr), daemon=True).start()
