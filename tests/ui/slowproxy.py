"""slowproxy.py TARGET_PORT RATE LIFETIME: a TCP proxy on 127.0.0.1 that
forwards to 127.0.0.1:TARGET_PORT and lets at most RATE bytes a second
through from the server to the client. Prints its port, then serves until
LIFETIME seconds have passed (it stops by itself)."""
import asyncio
import sys


async def pipe(reader, writer, rate):
    try:
        while True:
            data = await reader.read(min(rate, 16384) if rate else 65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
            if rate:
                await asyncio.sleep(len(data) / rate)
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def main():
    target, rate, lifetime = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])

    async def handle(creader, cwriter):
        try:
            sreader, swriter = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            cwriter.close()
            return
        await asyncio.gather(pipe(creader, swriter, 0), pipe(sreader, cwriter, rate))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(lifetime)


asyncio.run(main())
