console.log("vm placeholder")
