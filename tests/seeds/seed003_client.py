# The TCP chat client of seed 003 ("TP 4.2 - Chat con Sockets en Python"),
# as the lab statement gives it; only HOST and PORT come from the command
# line so tests and benchmarks can point it at a server on a free port.
import socket, threading, os, sys

HOST = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1' # IP del servidor
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 5000

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((HOST, PORT))
name = input("Tu nombre: ")
sock.send(name.encode('utf-8'))

def recibir():
    while True:
        try:
            data = sock.recv(1024).decode('utf-8')
            if not data: break
            print("\r" + data + "\n> ", end="")
        except:
            break
    sock.close()
    os._exit(0)

threading.Thread(target=recibir, daemon=True).start()
print("Comandos: /listar /quitar")
while True:
    msg = input("> ")
    sock.send(msg.encode('utf-8'))
    if msg == '/quitar':
        break
sock.close()
