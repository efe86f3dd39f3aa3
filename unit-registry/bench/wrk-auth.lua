wrk.headers["Authorization"] = "Bearer " .. os.getenv("REGISTRY_TOKEN")
